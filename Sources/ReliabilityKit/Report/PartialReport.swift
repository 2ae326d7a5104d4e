import Foundation

/// A slice of a run: the raw, mergeable statistics of some of its blocks. Written by
/// `cposim run --shard i/n` and by the checkpoints of an interrupted run; `cposim merge` (or
/// `--resume`) combines slices into the report a single run would have written, byte for byte.
public struct PartialReport: Codable, Sendable {
  /// The file's `kind`, `cposim-partial`.
  public static let kind = "cposim-partial"
  /// 2: completed blocks as ranges. 3: snake_case keys, like every other file cposim writes
  /// (schemas/partial.schema.json), and the build's commit.
  public static let schemaVersion = 3

  /// `cposim-partial`.
  public var kind = PartialReport.kind
  /// The file's `schema_version`.
  public var schemaVersion = PartialReport.schemaVersion
  /// cposim's version; parts of another version are not merged.
  public var toolVersion: String
  /// The git commit of the build that computed these trials (`ToolVersion.commit`).
  public var buildCommit: String
  /// The GNU Scientific Library's version.
  public var gslVersion: String
  /// The random number generator (`taus2`).
  public var generator: String
  /// The scenario file as given on the command line, and the hashes of every input file.
  public var scenario: String
  /// Every scenario file of the `extends` chain and the catalog, with their SHA-256.
  public var scenarioFiles: [RunReport.FileHash]
  /// The run's master seed.
  public var seed: UInt64
  /// Trials of the whole run (all shards).
  public var trials: Int
  /// This shard's index, 0 ..< `shardCount` (0 of 1 for a checkpoint of an unsharded run).
  public var shardIndex: Int
  /// Shards the run was split into.
  public var shardCount: Int
  /// Blocks (see `TrialBlocks`) whose trials are in `statistics`.
  package var completedBlocks: BlockSet
  /// The mergeable statistics of the completed blocks' trials.
  public var statistics: RunStatistics

  package init(scenario: String, simulation: Simulation, seed: UInt64, trials: Int, shardIndex: Int, shardCount: Int,
              completedBlocks: BlockSet, statistics: RunStatistics) {
    toolVersion = ToolVersion.current
    buildCommit = ToolVersion.commit
    gslVersion = ToolVersion.gsl
    generator = RandomSource.generatorName
    self.scenario = scenario
    scenarioFiles = RunReport.hashes(simulation.scenario.files + (simulation.scenario.catalogFile.map { [$0] } ?? []))
    self.seed = seed
    self.trials = trials
    self.shardIndex = shardIndex
    self.shardCount = shardCount
    self.completedBlocks = completedBlocks
    self.statistics = statistics
  }

  /// The blocks shard `index` of `count` owns: a contiguous share of all blocks.
  public static func blocks(ofShard index: Int, count: Int, trials: Int) -> Range<Int> {
    TrialBlocks(trials: trials).blocks(ofShard: index, of: count)
  }

  /// Checks that `saved` (a checkpoint) belongs to the run this partial report describes.
  /// - Throws: `MergeError.notResumable` naming what differs.
  public func checkResumable(_ saved: PartialReport, path: String) throws(MergeError) {
    var differ: [String] = []
    if saved.seed != seed { differ.append("seed") }
    if saved.trials != trials { differ.append("trials") }
    if saved.shardIndex != shardIndex || saved.shardCount != shardCount { differ.append("shard") }
    if saved.toolVersion != toolVersion { differ.append("cposim version") }
    if saved.scenarioFiles != scenarioFiles { differ.append("scenario files") }
    guard differ.isEmpty else { throw .notResumable(path: path, differences: differ) }
  }

  /// Snake_case keys, as in every file cposim writes; sorted, compact (a partial report is
  /// read by cposim, and may be large).
  static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    // Accumulators of no trials hold ±infinity as their min and max.
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  /// Writes the partial report to `url` (snake_case keys, sorted, compact).
  public func write(to url: URL) throws {
    try write(to: OutputFile(url.path, option: "-o"))
  }

  /// Writes the partial report to `file` (atomically over a regular file).
  public func write(to file: OutputFile) throws {
    let data: Data
    do { data = try Self.encoder().encode(self) } catch { throw OutputFile.Problem("cannot write \(file.path) (\(file.option)): \(error)") }
    try file.write(data)
  }

  /// The largest partial report read (a shard of the 128k preset is about 40 kB).
  public static let maximumBytes = 64 << 20

  /// Reads a partial report, or throws a `MergeError` naming the file: its kind and schema
  /// version first, then the whole, each problem in one line (never the decoder's dump).
  public static func read(_ path: String) throws(MergeError) -> PartialReport {
    let data: Data
    do {
      data = try InputFile.read(path, limit: maximumBytes, what: "partial report (JSON) file")
    } catch {
      throw .unreadable(path: path, reason: error.reason)
    }
    return try parse(data, path: path)
  }

  /// Reads a partial report from `data` (read from `path`, named in messages), checking it as
  /// `read` does. The fuzz target FuzzPartialReport calls this.
  public static func parse(_ data: Data, path: String) throws(MergeError) -> PartialReport {
    // The kind and version first, in either key style, so a file of another version is named as
    // such instead of failing on its first unknown key.
    struct Header: Decodable {
      let kind: String?
      let schema_version: Int?
      let schemaVersion: Int?
      let tool_version: String?
      let toolVersion: String?
    }
    let header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: data)
    } catch {
      throw .unreadable(path: path, reason: "not a cposim partial report (\(describe(error)))")
    }
    guard header.kind == kind else { throw .unreadable(path: path, reason: "not a cposim partial report (its 'kind' is not \(kind))") }
    let version = header.schema_version ?? header.schemaVersion
    guard version == schemaVersion else {
      let tool = header.tool_version ?? header.toolVersion ?? "an unknown version"
      throw .unreadable(path: path, reason: "a partial report of schema_version \(version.map(String.init) ?? "none") (cposim \(tool)); "
        + "this cposim (\(ToolVersion.current), commit \(ToolVersion.commit)) reads schema_version \(schemaVersion): compute the shard again with this cposim")
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    do {
      let part = try decoder.decode(PartialReport.self, from: data)
      try part.checkInvariants(path: path)
      return part
    } catch let error as MergeError {
      throw error
    } catch {
      throw .inconsistent(path: path, reason: describe(error))
    }
  }

  /// A decoding problem in words: where, and what.
  static func describe(_ error: any Error) -> String {
    func place(_ path: [any CodingKey]) -> String {
      path.isEmpty ? "the top level" : "'" + path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." } + "'"
    }
    guard let error = error as? DecodingError else { return "\(error)" }
    switch error {
    case let .dataCorrupted(context):
      if context.codingPath.isEmpty { return "not valid JSON (cut short?)" }
      return "\(place(context.codingPath)) is malformed (\(context.debugDescription))"
    case let .keyNotFound(key, context): return "\(place(context.codingPath + [key])) is missing"
    case let .typeMismatch(type, context): return "\(place(context.codingPath)) is not \(type == String.self ? "a string" : "of the expected type (\(type))")"
    case let .valueNotFound(_, context): return "\(place(context.codingPath)) is null"
    @unknown default: return "\(error)"
    }
  }

  /// Checks what can be checked of a partial report read back (it may have been edited or
  /// truncated): the shard, the completed blocks within the run, the trial count they make,
  /// and the statistics' own invariants; with `expected` (the empty statistics of the scenario),
  /// the length of every array.
  /// - Throws: `MergeError.inconsistent` naming the file and what is wrong.
  public func checkInvariants(path: String, expected: RunStatistics? = nil) throws(MergeError) {
    func fail(_ reason: String) -> MergeError { .inconsistent(path: path, reason: reason) }
    guard trials >= 1 else { throw fail("'trials' is \(trials)") }
    guard shardCount >= 1, shardIndex >= 0, shardIndex < shardCount else { throw fail("shard \(shardIndex) of \(shardCount) is not a shard") }
    let blocks = TrialBlocks(trials: trials)
    guard completedBlocks.end <= blocks.count else {
      throw fail("'completed_blocks' lists block \(completedBlocks.end - 1) but a run of \(trials) trials has \(blocks.count) blocks")
    }
    let done = completedBlocks.ranges.reduce(0) { $0 + blocks.trialCount(of: $1) }
    guard statistics.trials == done else {
      throw fail("its statistics hold \(statistics.trials) trials but its completed blocks hold \(done)")
    }
    if let why = statistics.problem(expected: expected) { throw fail(why) }
  }

  /// Checks that `parts` are the complete set of shards of one run and merges their statistics.
  /// - Throws: `MergeError` for parts of different scenarios, seeds, versions, trial counts or
  ///   shard counts, for duplicate shards and for an incomplete set.
  public static func merge(_ parts: [(path: String, part: PartialReport)]) throws(MergeError) -> PartialReport {
    guard let (firstPath, first) = parts.first else { throw .noParts }
    for (path, part) in parts.dropFirst() {
      func check(_ field: String, _ a: String, _ b: String) throws(MergeError) {
        if a != b { throw .mismatch(path: path, field: field, value: b, expected: a, reference: firstPath) }
      }
      try check("tool_version", first.toolVersion, part.toolVersion)
      try check("gsl_version", first.gslVersion, part.gslVersion)
      try check("seed", "\(first.seed)", "\(part.seed)")
      try check("trials", "\(first.trials)", "\(part.trials)")
      try check("shard_count", "\(first.shardCount)", "\(part.shardCount)")
      try check("scenario_files", first.scenarioFiles.map(\.sha256).joined(separator: ","),
                part.scenarioFiles.map(\.sha256).joined(separator: ","))
      try part.checkInvariants(path: path, expected: first.statistics)
    }
    var seen: [Int: String] = [:]
    for (path, part) in parts {
      if let other = seen[part.shardIndex] { throw .duplicateShard(index: part.shardIndex, paths: [other, path]) }
      seen[part.shardIndex] = path
      let expected = blocks(ofShard: part.shardIndex, count: part.shardCount, trials: part.trials)
      if part.completedBlocks != BlockSet(expected) { throw .incompleteShard(path: path, index: part.shardIndex) }
    }
    let missing = (0..<first.shardCount).filter { seen[$0] == nil }
    if !missing.isEmpty { throw .missingShards(missing, count: first.shardCount) }
    var merged = first
    merged.shardIndex = 0
    merged.shardCount = 1
    // Shards of one version give the same statistics whichever build computed them; the merged
    // report names every build that did.
    merged.buildCommit = Set(parts.map(\.part.buildCommit)).sorted().joined(separator: ", ")
    for (_, part) in parts.dropFirst() {
      merged.statistics.merge(part.statistics)
      merged.completedBlocks.formUnion(part.completedBlocks)
    }
    return merged
  }
}

/// Why partial reports cannot be merged.
public enum MergeError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No partial report was given.
  case noParts
  /// A file could not be read or decoded: `reason` says where and what.
  case unreadable(path: String, reason: String)
  /// Two parts differ in `field` (scenario, seed, trials, version, files): `value` in `path`, `expected` in `reference`.
  case mismatch(path: String, field: String, value: String, expected: String, reference: String)
  /// Shard `index` is given more than once.
  case duplicateShard(index: Int, paths: [String])
  /// The shard at `path` did not finish all its trials.
  case incompleteShard(path: String, index: Int)
  /// Shards of a set of `count` are missing.
  case missingShards([Int], count: Int)
  /// A scenario file changed since the parts were computed (its SHA-256 differs).
  case scenarioChanged(path: String)
  /// A checkpoint belongs to another run (`differences` name what differs).
  case notResumable(path: String, differences: [String])
  /// A part fails its invariants (edited or truncated).
  case inconsistent(path: String, reason: String)

  /// The problem in one line, naming the files.
  public var description: String {
    switch self {
    case .noParts: "no partial reports given"
    case let .unreadable(path, reason): "\(path): \(reason)"
    case let .mismatch(path, field, value, expected, reference):
      // Neither part is blamed: which one was edited, or comes from another run, is not known.
      field == "scenario_files"
        ? "\(reference) and \(path) come from different runs: the files they were computed from differ (by name or SHA-256); parts must come from the same scenario, seed, trial count and cposim version"
        : "\(reference) and \(path) come from different runs: '\(field)' is \(expected) in \(reference) and \(value) in \(path); parts must come from the same scenario, seed, trial count and cposim version"
    case let .duplicateShard(index, paths): "shard \(index) is given twice (\(paths.joined(separator: " and ")))"
    case let .incompleteShard(path, index): "\(path): shard \(index) did not finish all its trials (rerun it, with --resume to continue)"
    case let .missingShards(missing, count):
      "incomplete set: the parts are \(count) shards (0 to \(count - 1)) and shard\(missing.count == 1 ? "" : "s") \(missing.prefix(20).map(String.init).joined(separator: ", "))\(missing.count > 20 ? ", ..." : "") \(missing.count == 1 ? "is" : "are") missing"
    case let .scenarioChanged(path): "\(path) changed since the parts were computed (its SHA-256 differs)"
    case let .inconsistent(path, reason):
      "\(path): not a consistent partial report (edited or truncated?): \(reason)"
    case let .notResumable(path, differences):
      "\(path) belongs to another run (\(differences.joined(separator: ", ")) differ); remove it or drop --resume"
    }
  }
}
