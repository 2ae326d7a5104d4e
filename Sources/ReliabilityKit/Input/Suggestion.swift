/// "Did you mean" suggestions for misspelt keys and names.
enum Suggestion {
  /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
  /// (at most a third of the word's length, and at least one edit allowed).
  static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
    // No key or name is this long; a 5 MB value took seconds per candidate.
    guard word.utf8.count <= 200 else { return nil }
    let limit = max(1, word.count / 3)
    var best: (String, Int)?
    // The edit distance is at least the difference in length.
    for candidate in candidates where abs(candidate.count - word.count) <= limit {
      let distance = editDistance(word.lowercased(), candidate.lowercased())
      if distance <= limit, distance < (best?.1 ?? .max) { best = (candidate, distance) }
    }
    return best?.0
  }

  /// Levenshtein distance.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// `" (did you mean 'x'?)"` or the empty string.
  static func hint(for word: String, in candidates: some Sequence<String>) -> String {
    closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
  }
}
