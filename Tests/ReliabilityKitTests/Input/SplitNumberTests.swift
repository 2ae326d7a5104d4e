import Testing
@testable import ReliabilityKit

/// `Units.splitNumber` tries prefixes from the longest down (issue 26, start-up); it must split
/// every text exactly as the prefix-by-prefix search it replaced.
@Suite("Units: number and unit split")
struct SplitNumberTests {
  /// The search before issue 26's start-up round: every prefix from the shortest, the longest
  /// that reads as a number kept.
  static func reference(_ text: String) -> (number: String?, unit: String) {
    let scalars = Array(text.unicodeScalars)
    let numeric = Set("0123456789+-.eExXpPabcdefABCDEF_".unicodeScalars)
    let limit = min(64, scalars.firstIndex { !numeric.contains($0) } ?? scalars.count)
    var best: Int?
    var end = 0
    while end < limit {
      end += 1
      let prefix = String(String.UnicodeScalarView(scalars[0..<end]))
      if Double(prefix) != nil, !prefix.lowercased().hasSuffix("n"), !prefix.lowercased().hasSuffix("f") { best = end }
    }
    guard let cut = best else { return (nil, text) }
    return (String(String.UnicodeScalarView(scalars[0..<cut])),
            String(String.UnicodeScalarView(scalars[cut...])).trimmingWhitespace())
  }

  static let written = [
    "12.5e-3 h", "1000000h", "0.5%", "1 %/y", "1140 FIT", "5d", "1e3h", "1e", "1e+", "0x1p3h", "0x1fh", "0xfd", "1_000h",
    "-3.5e-2/d", "+7w", ".5h", "5.", "infh", "nanh", "h", "", " 4h ", "1d2", "ab", "0x", "1.2.3h", "9e999h", "1e-999d",
    String(repeating: "1", count: 80) + "h", "0e0", "E5", "-", "+.", "1f", "0x1p", "3 fortnights",
    // Not ASCII (the search over unicode scalars, not bytes): a micro sign, a digit of another script, an accent.
    "5 µs", "2٣h", "½h", "1é", "4\u{301}h", "7h\u{1F600}",
  ]

  @Test("written values split as before")
  func written() {
    for text in Self.written {
      let new = Units.splitNumber(text), old = Self.reference(text)
      #expect(new.number == old.number && new.unit == old.unit, "\(text): \(new) against \(old)")
    }
  }

  @Test("random texts over the number alphabet split as before")
  func random() {
    // A fixed linear congruential sequence: the same 4,000 texts every run.
    let alphabet = Array("0123456789+-.eExXpPabcdefABCDEF_ hdy%/".unicodeScalars)
    var state: UInt64 = 2026_12_07
    func next() -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33)
    }
    var differing = 0
    for _ in 0..<4000 {
      var text = String.UnicodeScalarView()
      for _ in 0..<(1 + next() % 12) { text.append(alphabet[next() % alphabet.count]) }
      let s = String(text)
      let new = Units.splitNumber(s), old = Self.reference(s)
      if new.number != old.number || new.unit != old.unit { differing += 1 }
    }
    #expect(differing == 0)
  }
}
