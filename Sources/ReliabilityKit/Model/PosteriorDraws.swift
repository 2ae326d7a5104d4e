import Foundation

/// A posterior carried by a scenario as joint draws (`posterior:`, docs/inference.md "The
/// posterior block"): the key paths of some inputs and a table of equally weighted rows, one
/// joint value of every key per row, so the correlations the evidence induced are kept. Each
/// trial runs with one row, chosen as a pure function of (seed, trial index) and of the key
/// paths and the number of rows: two scenarios that carry the same posterior take the same row in
/// the same trial (paired), on any thread and in any shard.
public struct PosteriorDraws: Sendable, Hashable {
  /// The keys as `--set` takes them.
  public let keys: [String]
  /// The unit each key's values are written in (`/d`, `%`, `h`, or empty), as `--set` takes them.
  public let units: [String]
  /// rows[i][k]: the value of key k in draw i.
  public let rows: [[Double]]
  /// Where the block is written (`file`, line of `posterior:`).
  public var file: String = ""
  /// The line of `posterior:`, or nil.
  public var line: Int? = nil
  /// The line of each key in `keys:` (messages about a key name it).
  public var keyLines: [Int?] = []
  /// What the block says about where the draws come from (as written: evidence, seed, ESS, ...).
  public var provenance: [(key: String, value: String)] = []

  /// Draws of `keys` (written in `units`), one row per draw; every row has a value per key, and there is at least one row.
  public init(keys: [String], units: [String], rows: [[Double]]) {
    precondition(keys.count == units.count && rows.allSatisfy { $0.count == keys.count } && !rows.isEmpty)
    self.keys = keys
    self.units = units
    self.rows = rows
  }

  /// Whether two blocks draw the same keys, units and rows (where they are written, and their provenance, do not count).
  public static func == (a: PosteriorDraws, b: PosteriorDraws) -> Bool {
    a.keys == b.keys && a.units == b.units && a.rows == b.rows
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(keys)
    hasher.combine(units)
    hasher.combine(rows)
  }

  /// A value as `--set` takes it: the number with its unit.
  public func text(_ value: Double, key k: Int) -> String { "\(value)\(units[k])" }

  /// The stream the row of a trial is drawn from: the key paths (normalised, in order) and the
  /// number of rows, so every scenario with this posterior picks the same row in the same trial.
  public var streamKey: UInt64 {
    SeedSequence.streamKey("posterior:\(keys.map(ScenarioLoader.normalisedKeyPath).joined(separator: ",")):\(rows.count)")
  }

  /// The row trial `trial` of master seed `seeds` runs with: uniform over the rows.
  public func rowIndex(trial: Int, seeds: SeedSequence) -> Int {
    RandomSource(seed: seeds.seed(forTrial: trial, stream: streamKey)).uniformInt(below: rows.count)
  }

  /// The (key, value as written) pairs of row `i`.
  public func overrides(row i: Int) -> [(keyPath: String, value: String)] {
    keys.indices.map { (keys[$0], text(rows[i][$0], key: $0)) }
  }

  /// Column k's value at cumulative share `q` of the rows (the lower empirical quantile:
  /// the smallest value with at least q·N rows at or below it).
  public func quantile(_ q: Double, key k: Int) -> Double {
    let sorted = rows.map { $0[k] }.sorted()
    let index = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
    return sorted[index]
  }

  /// The median of every key: the value the scenario holds when nothing is drawn.
  public var medians: [Double] { keys.indices.map { quantile(0.5, key: $0) } }

  /// Systematic resampling (Kitagawa 1996) of a weighted sample into `count` equally weighted
  /// indices: one uniform u from `seed` (GSL's generator, `SeedSequence` stream
  /// "posterior-resampling"), then the points at cumulative weight (u + j)/count, j = 0..<count.
  /// Every point of weight w appears ⌊count·w⌋ or ⌈count·w⌉ times (w normalised), so the
  /// resampled CDF is within 1/count of the weighted one everywhere. Deterministic in
  /// (weights, count, seed); the indices come out in the order of the points.
  public static func systematicResample(weights: [Double], count: Int, seed: UInt64) -> [Int] {
    precondition(count > 0 && !weights.isEmpty)
    let total = weights.reduce(0, +)
    precondition(total > 0 && total.isFinite)
    let u = RandomSource(seed: SeedSequence(master: seed).seed(forTrial: 0, stream: SeedSequence.streamKey("posterior-resampling"))).uniform()
    var result: [Int] = []
    result.reserveCapacity(count)
    var cumulative = weights[0] / total, i = 0
    for j in 0..<count {
      let position = (u + Double(j)) / Double(count)
      while position > cumulative, i < weights.count - 1 {
        i += 1
        cumulative += weights[i] / total
      }
      result.append(i)
    }
    return result
  }
}

/// A named set of values for inputs no evidence constrains (`branches:`, docs/inference.md
/// "Branches"): `compare` runs every branch under the same draws and prints the verdict per
/// branch instead of averaging over what nobody measured.
public struct ScenarioBranch: Sendable, Hashable {
  /// The branch's name.
  public let name: String
  /// (key path, value as written), in file order.
  public let set: [KeyValue]
  /// What the branch assumes, in words.
  public let note: String
  /// Where its values come from (a SOURCES.md key or `estimate`), or nil.
  public let source: String?
  /// The file the branch is written in.
  public let file: String
  /// Its line, or nil.
  public let line: Int?

  /// One value a branch sets.
  public struct KeyValue: Sendable, Hashable {
    /// The key path, as `--set` takes it.
    public let keyPath: String
    /// The value, as written.
    public let value: String
  }

  /// A branch `name` setting `set`, with its note and source, written at `file`:`line`.
  public init(name: String, set: [KeyValue], note: String, source: String?, file: String, line: Int?) {
    self.name = name
    self.set = set
    self.note = note
    self.source = source
    self.file = file
    self.line = line
  }

  /// Whether two branches set the same values with the same words (file and line aside).
  public func sameDefinition(as other: ScenarioBranch) -> Bool {
    name == other.name && set == other.set && note == other.note && source == other.source
  }
}
