import Foundation

/// Loads a scenario file into a validated `Scenario`: follows `extends`, finds the part catalog,
/// applies part overrides, and checks every key and value.
///
/// All problems of all files involved are reported together as `InputErrors`, each naming
/// file, line, column, key path and value.
public enum ScenarioLoader {
  static let topKeys = [
    "name", "description", "extends", "catalog", "horizon", "trials", "seed", "ageing_while_down",
    "fabric", "system", "parts", "repair", "jobs", "node_pool", "costs", "thresholds", "common_causes", "fleet", "provenance",
    "ranges", "posterior", "branches",
  ]

  /// A key path with list steps written one way: `jobs[0].x` and `jobs.0.x` are the same key
  /// (`SourceNode.setting` takes both).
  public static func normalisedKeyPath(_ keyPath: String) -> String {
    keyPath.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: "")
  }

  /// One value set from the command line: a dotted key path and the value as text.
  public struct Override: Sendable, Hashable {
    /// The dotted key path (`repair.technicians.count`, `jobs[0].gpus`).
    public let keyPath: String
    /// The value as written on the command line (units allowed: `4h`, `1%`).
    public let value: String
    /// The option that gave it (`--set`, `--vary`): messages about the value name it.
    public let option: String
    /// `keyPath` set to `value`, as option `option` gave it.
    public init(keyPath: String, value: String, option: String = "--set") {
      self.keyPath = keyPath
      self.value = value
      self.option = option
    }
  }

  /// Whether the last step of `keyPath` takes a whole number (`repair.technicians.count`).
  public static func takesWholeNumber(_ keyPath: String) -> Bool {
    let last = keyPath.split(separator: ".").last.map(String.init) ?? keyPath
    return UncertaintyReader.integerKeys.contains(last)
  }

  /// Loads the scenario at `path` (relative paths are taken from the current directory), with
  /// `overrides` applied on top of everything it extends, as if written in the file itself.
  /// - Throws: ``InputErrors``: every problem of the file and the files it extends, each with
  ///   its file, line, key and value.
  public static func load(path: String, overrides: [Override] = []) throws(InputErrors) -> Scenario {
    try load(path: path, overrides: overrides, keepingTemplate: false)
  }

  /// The `posterior:` and `branches:` blocks of a scenario file (after its `extends`), to apply
  /// to other scenarios (`cposim compare --posterior FILE`). The file is loaded in full first,
  /// so its blocks are checked against the scenario it is written for.
  public struct PosteriorSource: Sendable {
    /// The scenario file the blocks come from.
    public let file: String
    /// That file's scenario, loaded in full.
    public let scenario: Scenario
    let posterior: SourceNode?
    let branches: SourceNode?
  }

  /// Loads the scenario at `path` and keeps its `posterior:` and `branches:` blocks.
  /// - Throws: ``InputErrors`` when the file does not load or has neither block.
  public static func posteriorSource(path: String) throws(InputErrors) -> PosteriorSource {
    let scenario = try load(path: path)
    var chain: [String] = []
    let (node, _) = try resolveExtends(url: URL(fileURLWithPath: path), displayName: path, chain: &chain)
    guard node["posterior"] != nil || node["branches"] != nil else {
      throw InputErrors([InputError(file: path, line: nil, column: nil, keyPath: "posterior",
                                    message: "has neither 'posterior:' nor 'branches:' (cposim infer --write-scenario writes a posterior)")])
    }
    return PosteriorSource(file: path, scenario: scenario, posterior: node["posterior"], branches: node["branches"])
  }

  /// Loads the scenario at `path` with `source`'s posterior and branches in place of its own
  /// (a scenario that carries a posterior of its own is refused: two posteriors are ambiguous).
  public static func load(path: String, overrides: [Override] = [], applying source: PosteriorSource?) throws(InputErrors) -> Scenario {
    guard let source else { return try load(path: path, overrides: overrides) }
    let url = URL(fileURLWithPath: path)
    var chain: [String] = []
    var (node, files) = try resolveExtends(url: url, displayName: path, chain: &chain)
    for (key, block) in [("posterior", source.posterior), ("branches", source.branches)] {
      guard let block else { continue }
      if let own = node[key], own != block {
        throw InputErrors([InputError(file: own.file, line: own.line, column: own.column, keyPath: key,
                                      message: "the scenario carries its own '\(key):' and --posterior \(source.file) gives another: give one")])
      }
      node = node.replacing(key, with: block)
    }
    for override in overrides {
      let steps = override.keyPath.split(separator: ".").map(String.init)
      if let beyond = node.indexBeyondList(steps) {
        throw InputErrors([InputError(file: "\(override.option) \(override.keyPath)=\(override.value)", line: nil, column: nil,
                                      keyPath: override.keyPath, message: beyondList(beyond))])
      }
      node = node.setting(steps, to: override.value, option: override.option)
    }
    let reader = InputReader()
    let scenario = read(node, files: files, scenarioURL: url, displayName: path, reader: reader, keepingTemplate: false)
    try reader.throwIfFailed()
    guard let scenario else { throw InputErrors([InputError(file: path, line: nil, column: nil, keyPath: "", message: "invalid scenario")]) }
    return scenario
  }

  /// Loads the scenario at `path` (ranges checked, as `load`) and a template of its resolved
  /// source, to build it again with other values for some keys without reading or checking the
  /// files again (`ScenarioTemplate.scenario(overrides:)` applies them as `--set` does). Uncertain
  /// inputs are at their central values in the template. For studies of many variants
  /// (`cposim sensitivity`).
  public static func loadWithTemplate(path: String) throws(InputErrors) -> (scenario: Scenario, template: ScenarioTemplate) {
    let scenario = try load(path: path, overrides: [], keepingTemplate: true)
    guard let template = scenario.template else { preconditionFailure("a scenario read without errors keeps its template") }
    return (scenario, template)
  }

  static func load(path: String, overrides: [Override], keepingTemplate: Bool) throws(InputErrors) -> Scenario {
    let url = URL(fileURLWithPath: path)
    var chain: [String] = []
    var (node, files) = try resolveExtends(url: url, displayName: path, chain: &chain)
    for override in overrides {
      let path = override.keyPath.split(separator: ".").map(String.init)
      if let beyond = node.indexBeyondList(path) {
        throw InputErrors([InputError(file: "\(override.option) \(override.keyPath)=\(override.value)", line: nil, column: nil,
                                      keyPath: override.keyPath, message: beyondList(beyond))])
      }
      node = node.setting(path, to: override.value, option: override.option)
    }
    let reader = InputReader()
    let scenario = read(node, files: files, scenarioURL: url, displayName: path, reader: reader, keepingTemplate: keepingTemplate)
    try reader.throwIfFailed()
    guard let scenario else { throw InputErrors([InputError(file: path, line: nil, column: nil, keyPath: "", message: "invalid scenario")]) }
    return scenario
  }

  /// Reads a file and, recursively, the file it extends; returns the merged tree (base first).
  static func resolveExtends(url: URL, displayName: String, chain: inout [String]) throws(InputErrors) -> (SourceNode, [String]) {
    let canonical = url.standardizedFileURL.resolvingSymlinksInPath().path
    if let start = chain.firstIndex(of: canonical) {
      let cycle = (chain[start...] + [canonical]).map { URL(fileURLWithPath: $0).lastPathComponent }
      throw InputErrors([InputError(file: displayName, line: nil, column: nil, keyPath: "extends",
                                    message: "extends forms a cycle: " + cycle.joined(separator: " -> "))])
    }
    chain.append(canonical)
    let node = try SourceNode.load(contentsOf: url, displayName: displayName)
    guard case .mapping = node.value else {
      throw InputErrors([InputError(file: displayName, line: node.line, column: node.column, keyPath: "",
                                    message: "a scenario must be a mapping of keys to values (got \(node.kindName))")])
    }
    guard let extendsNode = node["extends"] else { return (try applyingSet(node, displayName: displayName), [displayName]) }
    guard case let .scalar(base) = extendsNode.value else {
      throw InputErrors([InputError(file: displayName, line: extendsNode.line, column: extendsNode.column, keyPath: "extends",
                                    message: "must be the path of another scenario file (got \(extendsNode.kindName))")])
    }
    let baseURL = URL(fileURLWithPath: base, relativeTo: folder(of: url.path))
    let baseName = relativeDisplayName(baseURL)
    guard FileManager.default.fileExists(atPath: baseURL.path) else {
      throw InputErrors([InputError(file: displayName, line: extendsNode.line, column: extendsNode.column, keyPath: "extends",
                                    message: "no such file '\(base)' (looked for \(baseName))")])
    }
    let (baseNode, baseFiles) = try resolveExtends(url: baseURL, displayName: baseName, chain: &chain)
    // The derived file's name wins; its catalog path stays relative to the file that set it.
    let merged = baseNode.removing("name").merged(with: node.removing("extends").removing("set"))
    return (try applyingSet(merged, from: node, displayName: displayName), baseFiles + [displayName])
  }

  /// The tree with the file's `set` entries applied (key paths as `--set` takes them, such as
  /// `jobs[0].uplink_interrupt_probability: 0.16`; they reach into lists the file inherits) and
  /// the `set` key removed. A calibrated scenario records its fitted values this way.
  static func applyingSet(_ tree: SourceNode, from file: SourceNode? = nil, displayName: String) throws(InputErrors) -> SourceNode {
    guard let setNode = (file ?? tree)["set"] else { return tree }
    var result = tree.removing("set")
    guard case let .mapping(entries) = setNode.value else {
      throw InputErrors([InputError(file: displayName, line: setNode.line, column: setNode.column, keyPath: "set",
                                    message: "must map key paths to values, such as 'jobs[0].restart_overhead: 5m' (got \(setNode.kindName))")])
    }
    var errors: [InputError] = []
    for (key, keyNode, value) in entries {
      guard case let .scalar(text) = value.value else {
        errors.append(InputError(file: displayName, line: value.line, column: value.column, keyPath: "set.\(key)",
                                 message: "must be a single value (got \(value.kindName))"))
        continue
      }
      let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard !path.contains(where: \.isEmpty), !["set", "name"].contains(path[0]) else {
        errors.append(InputError(file: displayName, line: keyNode.line, column: keyNode.column, keyPath: "set.\(key)",
                                 message: "must be a key path such as jobs[0].restart_overhead (got '\(key)')"))
        continue
      }
      // As `--set`: keys that name files are written as keys of the scenario, where a relative
      // path is read from the file's folder.
      if ["extends", "catalog"].contains(path[0]) {
        errors.append(InputError(file: displayName, line: keyNode.line, column: keyNode.column, keyPath: "set.\(key)",
                                 message: "'\(path[0])' names a file, not a value: write '\(path[0]): FILE' as a key of the scenario, not under set"))
        continue
      }
      if let beyond = result.indexBeyondList(path) {
        errors.append(InputError(file: displayName, line: keyNode.line, column: keyNode.column, keyPath: "set.\(key)",
                                 message: Self.beyondList(beyond)))
        continue
      }
      result = result.setting(path, to: text, at: (file: displayName, line: value.line, column: value.column))
    }
    if !errors.isEmpty { throw InputErrors(errors) }
    return result
  }

  /// The folder relative paths in `path` are read from: its own, or the current folder for a
  /// stream (`/dev/stdin`, a pipe such as `<(cat s.yaml)`).
  static func folder(of path: String) -> URL {
    InputFile.isStream(path) ? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
      : URL(fileURLWithPath: path).deletingLastPathComponent()
  }

  /// The message for an index beyond its list, such as `jobs[5]` with one job.
  static func beyondList(_ beyond: (list: String, index: Int, count: Int)) -> String {
    let (list, index, count) = beyond
    let items = count == 0 ? "no items" : count == 1 ? "one item (\(list)[0])" : "\(count) items (\(list)[0] to \(list)[\(count - 1)])"
    return "index \(index) is beyond the list: '\(list)' has \(items) after extends; a set value can change an item, not add one"
  }

  /// A path shown in messages: relative to the current directory when inside it.
  static func relativeDisplayName(_ url: URL) -> String {
    let path = url.standardizedFileURL.path
    let cwd = FileManager.default.currentDirectoryPath
    if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
    return path
  }

  /// The catalog's parts (merged with the scenario's overrides, ranges replaced by their central
  /// values, read) as the first of a scenario's bound re-reads found them, with the problems and
  /// reported places that reading added. A scenario is read once more for each bound of each of
  /// its ranges; a bound outside `parts` leaves the parts as they were, so the later re-reads
  /// take them from here (issue 26, start-up: reading the catalog's parts was about half of each
  /// re-read). Not used under a posterior (a re-read has none: the medians are not applied).
  final class PartsStage {
    var value: (node: SourceNode, inputs: [UncertainInput], parts: [Part], errors: [InputError], reported: Set<String>)?

    /// Whether an override at a key path starting with `first` can change the parts.
    static func touchesParts(_ first: String) -> Bool {
      first == "parts" || first == "catalog" || first == "extends"
    }
  }

  // MARK: Reading

  /// - Parameters:
  ///   - preloaded: the catalog's `parts` already in memory (a template read again with drawn
  ///     values, or a range's bound tried), and its file; nil reads it from its file.
  ///   - checkingRanges: whether to read `provenance` and `ranges` (and try each range's bounds).
  ///   - keepingTemplate: whether to keep the template (`Scenario.template`) even when the
  ///     scenario has no uncertain input.
  ///   - partsStage: a bound's re-read whose override is outside `parts`: the catalog's parts
  ///     as the first such re-read found them (see `PartsStage`).
  static func read(_ node: SourceNode, files: [String], scenarioURL: URL, displayName: String, reader: InputReader,
                   preloaded: (catalog: SourceNode, file: String?)? = nil, checkingRanges: Bool = true,
                   keepingTemplate: Bool = false, partsStage: PartsStage? = nil) -> Scenario? {
    // The posterior and the branches are read once here and kept out of the template: a trial
    // sets the posterior's keys itself, and a branch is a scenario of its own.
    let posteriorNode = node["posterior"], branchesNode = node["branches"]
    var posterior = posteriorNode.flatMap { PosteriorReader.read($0, reader: reader) }
    reader.posteriorKeys = Set((posterior?.keys ?? []).map(normalisedKeyPath))
    let branches = branchesNode.map { PosteriorReader.branches($0, reader: reader) } ?? []
    // Ranges ({uncertain: ...}) are found and replaced by their central values first.
    var (node, topInputs) = UncertaintyReader.extract(node.removing("posterior").removing("branches"), prefix: "",
                                                      skipping: ["parts", "catalog", "extends"], reader: reader)
    // The posterior's keys hold their medians in the scenario (those under parts: below, once
    // the catalog is merged).
    func posteriorPlace(_ p: PosteriorDraws, _ k: Int) -> (file: String, line: Int?, column: Int?) {
      (p.file, p.keyLines.indices.contains(k) ? p.keyLines[k] : p.line, nil)
    }
    func applyMedians(_ tree: SourceNode, parts: Bool) -> SourceNode {
      guard let p = posterior else { return tree }
      var tree = tree
      let medians = p.medians
      for (k, key) in p.keys.enumerated() where key.hasPrefix("parts.") == parts {
        var path = key.split(separator: ".").map(String.init)
        if parts { path.removeFirst() }
        // A value given on the command line would be replaced by the draws without a word.
        if let given = tree.node(at: path.joined(separator: ".")), given.file.hasPrefix("--") {
          reader.fail(given, key, "is drawn by the posterior (\(p.file):\(p.keyLines.indices.contains(k) ? p.keyLines[k] ?? 0 : 0)); "
            + "a value set here would be replaced in every trial: remove it, or run a scenario without the posterior")
          continue
        }
        if let beyond = tree.indexBeyondList(path) {
          let place = posteriorPlace(p, k)
          reader.fail(SourceNode(value: .scalar(key), file: place.file, line: place.line, column: nil), "posterior.keys[\(k)]",
                      "'\(key)': " + beyondList(beyond))
          continue
        }
        tree = tree.setting(path, to: p.text(medians[k], key: k), at: posteriorPlace(p, k))
      }
      return tree
    }
    node = applyMedians(node, parts: false)
    guard let top = reader.mapping(node, at: "", allowed: topKeys) else { return nil }

    let catalogNode = preloaded?.catalog ?? loadCatalog(top: top, scenarioURL: scenarioURL, displayName: displayName, reader: reader)
    let catalogFile = preloaded.map { $0.file } ?? catalogNode?.file
    var partsNode: SourceNode
    let partInputs: [UncertainInput]
    // Whether the parts come from the stage, are read and kept in it, or just read: decided once
    // (a posterior reads its own medians into the parts, so it never shares a stage).
    let stage = posterior == nil ? partsStage : nil
    let cached = stage?.value
    let filling = stage != nil && cached == nil
    let partsStart = reader.errors.count, reportedBefore = filling ? reader.reported : []
    if let cached {
      (partsNode, partInputs) = (cached.node, cached.inputs)
      reader.reported.formUnion(cached.reported)
      reader.append(cached.errors)
    } else {
      partsNode = catalogNode ?? SourceNode(value: .mapping([]), file: displayName, line: nil, column: nil)
      if let overrides = top["parts"] { partsNode = partsNode.merged(with: overrides) }
      let centralParts: SourceNode
      (centralParts, partInputs) = UncertaintyReader.extract(partsNode, prefix: "parts", reader: reader)
      partsNode = applyMedians(centralParts, parts: true)
    }
    // A key is drawn by the posterior or by its own range, not both.
    if let p = posterior {
      let uncertain = Dictionary((topInputs + partInputs).map { (normalisedKeyPath($0.keyPath), $0) }, uniquingKeysWith: { a, _ in a })
      for (k, key) in p.keys.enumerated() {
        guard let u = uncertain[normalisedKeyPath(key)] else { continue }
        let place = posteriorPlace(p, k)
        reader.fail(SourceNode(value: .scalar(key), file: place.file, line: place.line, column: nil), "posterior.keys[\(k)]",
                    "'\(key)' is drawn by the posterior and also uncertain at \(u.file):\(u.line ?? 0) ({uncertain: \(u.shape.rawValue), ...}): "
                      + "give it one or the other")
        posterior = nil
      }
    }
    let parts: [Part]
    if let cached {
      parts = cached.parts
    } else {
      parts = CatalogReader.parts(partsNode, at: "parts", reader: reader)
      if filling, let stage {
        stage.value = (partsNode, partInputs, parts, Array(reader.errors[partsStart...]), reader.reported.subtracting(reportedBefore))
      }
    }
    let catalog = PartCatalog(parts: parts)

    let name = top.text("name") ?? scenarioURL.deletingPathExtension().lastPathComponent
    let horizon = top.duration("horizon", positive: true, maximum: InputLimits.horizonHours, maximumText: "100y") ?? 5 * 8760
    let trials = top.integer("trials", minimum: 1, maximum: InputLimits.trials) ?? 1000
    let seed = top["seed"].flatMap { node -> UInt64? in
      guard let text = reader.text(node, at: "seed") else { return nil }
      guard let value = UInt64(text) else {
        reader.fail(node, "seed", "must be a whole number from 0 to \(UInt64.max) (got '\(text)')")
        return nil
      }
      return value
    } ?? 1
    let ageing = top.choice("ageing_while_down", AgeingWhileDown.allCases.map { ($0.rawValue, $0) }) ?? .continues

    var plant: Scenario.Plant?
    var usedParts: [String] = []
    switch (top["fabric"], top["system"]) {
    case let (fabricNode?, nil):
      if let spec = FabricReader.read(fabricNode, reader: reader) {
        // Build it now: a fabric that cannot be built is an input error at the fabric key.
        do {
          usedParts = try FabricBuilder.build(spec, catalog: catalog).partCounts.map(\.part)
          plant = .fabric(spec)
        } catch {
          reader.fail(fabricNode, "fabric", error.description)
        }
      }
    case let (nil, systemNode?):
      plant = SystemReader.read(systemNode, catalog: catalog, reader: reader).map(Scenario.Plant.system)
      if case let .system(system)? = plant { usedParts = system.units.map(\.part) }
    case (.some, .some):
      reader.fail(top.node, "", "give either 'fabric' or 'system', not both")
    case (nil, nil):
      reader.fail(top.node, "", "missing 'fabric' (a cluster network preset) or 'system' (named units and a structure)")
    }

    let fruIDs = Set(catalog.parts.map(\.fru))
    var modesOfFRU: [String: [(part: String, mode: String)]] = [:]
    for part in catalog.parts { for mode in part.modes { modesOfFRU[part.fru, default: []].append((part.id, mode.id)) } }
    let repair = RepairReader.read(top["repair"], fruIDs: fruIDs, modesOfFRU: modesOfFRU, reader: reader)
    let jobs = JobReader.read(top["jobs"], reader: reader)
    let nodePool = NodePoolReader.read(top["node_pool"], reader: reader)
    if case let .fabric(spec)? = plant {
      checkPlacement(jobs: jobs, pool: nodePool, fabric: spec, top: top, reader: reader)
    }
    let costs = CostReader.read(top["costs"], reader: reader)
    if let repair { checkRework(catalog: catalog, usedParts: usedParts, repair: repair, top: top, reader: reader) }
    // Read before the ranges: a range's bounds are tried only on an otherwise valid scenario.
    var isFabric = false
    if case .fabric? = plant { isFabric = true }
    var tiers: [String: Int]?
    if case let .fabric(spec)? = plant, let fabric = try? FabricBuilder.build(spec, catalog: catalog) {
      tiers = Dictionary(uniqueKeysWithValues: fabric.tiers.map { ($0.name, $0.switches) })
    }
    let fleet = FleetReader.read(top["fleet"], reader: reader)
    if case let oldest = fleet.oldestAge, oldest > 0, let node = top["fleet"] {
      // A fleet older than a part can live has no conditional hazard to start from.
      for part in catalog.parts {
        for mode in part.modes where !(mode.distribution.survival(oldest) > 0) {
          reader.fail(node, "fleet.installed_age", "units of age \(formatted(oldest)) h are beyond the support of \(part.id)/\(mode.id) (\(mode.distribution.kind): none survive that long)")
        }
      }
    }
    let commonCauses = CommonCauseReader.read(top["common_causes"], switches: tiers, reader: reader)
    let thresholds = ThresholdReader.read(top["thresholds"], units: TrialMetrics.units(fabric: isFabric, jobs: !jobs.isEmpty),
                                          reader: reader)
    var provenance = ProvenanceReader.Result()
    if checkingRanges {
      // A range's bound is tried by reading the whole scenario again with it as an override.
      // Re-reads whose override is outside `parts` find the same parts: they read them once.
      let outsideParts = PartsStage()
      provenance = ProvenanceReader.read(top: node, parts: partsNode, catalogFile: catalogFile, files: files, usedParts: usedParts,
                                         reader: reader, otherwiseValid: { plant != nil && repair != nil && costs != nil }) {
        keyPath, value in
        let sub = InputReader()
        let steps = keyPath.split(separator: ".").map(String.init)
        _ = read(node.setting(steps, to: value), files: files, scenarioURL: scenarioURL,
                 displayName: displayName, reader: sub,
                 preloaded: catalogNode.map { ($0, catalogFile) } ?? (SourceNode(value: .mapping([]), file: displayName, line: nil, column: nil), catalogFile),
                 checkingRanges: false, partsStage: steps.first.map(PartsStage.touchesParts) == true ? nil : outsideParts)
        return sub.errors
      }
    }
    guard let plant, let repair, let costs else { return nil }
    var scenario = Scenario(name: name, description: top.text("description"), horizon: horizon, trials: trials, seed: seed,
                            plant: plant, catalog: catalog, repair: repair, jobs: jobs, nodePool: nodePool, costs: costs,
                            ageingWhileDown: ageing, files: files, catalogFile: catalogFile)
    scenario.fleet = fleet
    scenario.commonCauses = commonCauses
    scenario.thresholds = thresholds
    scenario.ranges = provenance.ranges
    let inputs = topInputs + partInputs
    // An uncertain input's low and high are its range (what `describe` lists for it).
    let uncertain = Dictionary(inputs.map { (normalisedKeyPath($0.keyPath), $0) }, uniquingKeysWith: { a, _ in a })
    scenario.inputs = provenance.inputs.map { value in
      guard value.range == nil, let u = uncertain[normalisedKeyPath(value.keyPath)] else { return value }
      var value = value
      value.range = InputRange(keyPath: value.keyPath, low: u.text(u.low), high: u.text(u.high), central: u.text(u.central),
                               origin: value.part == nil ? .scenario : .catalog, file: u.file, line: u.line)
      return value
    }
    scenario.branches = branches
    guard !inputs.isEmpty || posterior != nil || !branches.isEmpty || keepingTemplate, reader.errors.isEmpty else { return scenario }
    let template = ScenarioTemplate(node: node.replacing("parts", with: partsNode),
                                    files: files, catalogFile: catalogFile, scenarioURL: scenarioURL, displayName: displayName)
    // Every value a draw can take must be a valid input: check both ends of each range. All
    // the low ends are tried in one scenario and all the high ends in another; only when one of
    // them fails is each end tried alone, to name it (a read per end made validation grow as
    // the square of the inputs: 500 inputs took 9-13 s, 1000 over a minute).
    func detail(_ error: InputErrors) -> String {
      error.errors.first.map { "\($0.keyPath.isEmpty ? "" : $0.keyPath + ": ")\($0.message)" } ?? "invalid"
    }
    for (end, bound) in [("low", { (u: UncertainInput) in u.support.lowerBound }), ("high", { (u: UncertainInput) in u.support.upperBound })] {
      let joint: InputErrors?
      do {
        _ = try template.scenario(overrides: inputs.map { ($0.keyPath, $0.text(bound($0))) })
        joint = nil
      } catch {
        joint = error
      }
      guard let joint else { continue }
      var named = false
      for input in inputs {
        do {
          _ = try template.scenario(overrides: [(input.keyPath, input.text(bound(input)))])
        } catch {
          named = true
          let place = SourceNode(value: .null, file: input.file, line: input.line, column: nil)
          reader.fail(place, input.keyPath, "the \(end) end of the range (\(input.text(bound(input)))) is not a valid value: \(detail(error))")
        }
      }
      if !named, let first = inputs.first {
        let place = SourceNode(value: .null, file: first.file, line: first.line, column: nil)
        reader.fail(place, "", "the \(end) ends of the uncertain ranges, drawn together, are not a valid scenario: \(detail(joint))")
      }
    }
    if let p = posterior { checkPosterior(p, inputs: inputs, template: template, reader: reader) }
    checkBranches(branches, posterior: posterior, template: template, reader: reader)
    scenario.uncertainInputs = inputs
    scenario.posterior = posterior
    scenario.template = template
    return scenario
  }

  /// Every value a posterior row can take must be valid: each key's smallest and largest value
  /// are tried (all the smallest together, then all the largest; one key at a time only to name
  /// the one that fails), with the uncertain inputs at their central values.
  static func checkPosterior(_ p: PosteriorDraws, inputs: [UncertainInput], template: ScenarioTemplate, reader: InputReader) {
    func detail(_ error: InputErrors) -> String {
      error.errors.first.map { "\($0.keyPath.isEmpty ? "" : $0.keyPath + ": ")\($0.message)" } ?? "invalid"
    }
    let low = p.keys.indices.map { k in p.rows.map { $0[k] }.min()! }, high = p.keys.indices.map { k in p.rows.map { $0[k] }.max()! }
    for (end, bound) in [("smallest", low), ("largest", high)] {
      do {
        _ = try template.scenario(overrides: p.keys.indices.map { (p.keys[$0], p.text(bound[$0], key: $0)) })
        continue
      } catch {}
      for k in p.keys.indices {
        do {
          _ = try template.scenario(overrides: [(p.keys[k], p.text(bound[k], key: k))])
        } catch {
          let row = p.rows.firstIndex { $0[k] == bound[k] } ?? 0
          reader.fail(SourceNode(value: .null, file: p.file, line: p.keyLines.indices.contains(k) ? p.keyLines[k] : p.line, column: nil),
                      "posterior.draws[\(row)][\(k)]",
                      "the \(end) value of \(p.keys[k]) (\(p.text(bound[k], key: k))) is not a valid value: \(detail(error))")
        }
      }
    }
  }

  /// A branch must not set a key the posterior draws, and must give a valid scenario.
  static func checkBranches(_ branches: [ScenarioBranch], posterior: PosteriorDraws?, template: ScenarioTemplate, reader: InputReader) {
    let drawn = Set((posterior?.keys ?? []).map(normalisedKeyPath))
    for branch in branches {
      let place = SourceNode(value: .null, file: branch.file, line: branch.line, column: nil)
      var ok = true
      for kv in branch.set where drawn.contains(normalisedKeyPath(kv.keyPath)) {
        reader.fail(place, "branches.\(branch.name).set.\(kv.keyPath)",
                    "the posterior draws \(kv.keyPath): a branch names what no evidence constrains; leave it to the posterior")
        ok = false
      }
      guard ok else { continue }
      do {
        _ = try template.scenario(overrides: branch.set.map { ($0.keyPath, $0.value) })
      } catch {
        let first = error.errors.first
        reader.fail(place, "branches.\(branch.name).set", "is not a valid scenario: \(first.map { "\($0.keyPath.isEmpty ? "" : $0.keyPath + ": ")\($0.message)" } ?? "invalid")")
      }
    }
  }

  /// A FRU reworked outside its warranty needs a rework price: each `rma-rework` workflow's FRU
  /// must have a part carrying `rework_cost_usd`.
  static func checkRework(catalog: PartCatalog, usedParts: [String], repair: RepairSpec, top: MappingReader, reader: InputReader) {
    for (fru, workflow) in repair.workflows.sorted(by: { $0.key < $1.key }) where workflow.action == .rmaRework {
      guard let part = catalog.fruPart(fru, among: usedParts), part.reworkCostUSD == nil else { continue }
      let node = top["repair"]?.node(at: "workflows.\(fru).action") ?? top.node
      reader.fail(node, "repair.workflows.\(fru).action",
                  "'rma-rework' needs the rework price of FRU '\(fru)' outside warranty: give part '\(part.id)' rework_cost_usd "
                    + "(and warranty, rma_logistics_usd) in the catalog or under parts.\(part.id)")
    }
  }

  /// Jobs and reserved spares must fit in the fabric's nodes; an elastic job's minimum must fit
  /// in the job.
  static func checkPlacement(jobs: [JobSpec], pool: NodePoolSpec, fabric spec: FabricSpec, top: MappingReader, reader: InputReader) {
    let nodes = spec.nodes
    var used = 0
    for (index, job) in jobs.enumerated() {
      let jobNodes = job.nodes(gpusPerNode: spec.gpusPerNode)
      let node = top["jobs"].flatMap { n -> SourceNode? in
        if case let .sequence(items) = n.value, index < items.count { return items[index] }
        return n
      } ?? top.node
      if job.gpus > spec.gpus {
        reader.fail(node, "jobs[\(index)].gpus", "job '\(job.name)' needs \(job.gpus) GPUs but the fabric has \(spec.gpus)")
      }
      if let minimum = job.minNodes, minimum > jobNodes {
        reader.fail(node, "jobs[\(index)].min_nodes", "cannot exceed the job's \(jobNodes) nodes (\(job.gpus) GPUs of \(spec.gpusPerNode) per node) (got \(minimum))")
      }
      used += jobNodes
    }
    let spares = pool.spares(nodes: nodes, inJobs: used)
    let poolNode = top["node_pool"] ?? top.node
    if pool.spareNodes != nil, spares > nodes {
      reader.fail(poolNode, "node_pool.spare_nodes", "cannot exceed the fabric's \(nodes) nodes (got \(spares))")
    } else if used <= nodes, pool.spareNodes != nil, used + spares > nodes {
      reader.fail(poolNode, "node_pool.spare_nodes", "\(spares) spare nodes and the jobs' \(used) nodes exceed the fabric's \(nodes) nodes")
    }
    if used > nodes, let jobsNode = top["jobs"] {
      reader.fail(jobsNode, "jobs", "the jobs need \(used) nodes together but the fabric has \(nodes)")
    }
  }

  /// Finds and reads the catalog: the `catalog` key (relative to the file that sets it), or else
  /// the first `FailureData/parts.yaml` in the scenario's folder or a folder above it.
  static func loadCatalog(top: MappingReader, scenarioURL: URL, displayName: String, reader: InputReader) -> SourceNode? {
    let url: URL, name: String
    if let node = top["catalog"], let path = reader.text(node, at: "catalog") {
      url = URL(fileURLWithPath: path, relativeTo: folder(of: node.file))
      name = relativeDisplayName(url)
      guard FileManager.default.fileExists(atPath: url.path) else {
        reader.fail(node, "catalog", "no such file '\(path)' (looked for \(name))")
        reader.catalogMissing = true
        return nil
      }
    } else {
      var directory = folder(of: scenarioURL.path).standardizedFileURL
      var found: URL?
      for _ in 0..<16 {
        let candidate = directory.appendingPathComponent("FailureData/parts.yaml")
        if FileManager.default.fileExists(atPath: candidate.path) { found = candidate; break }
        let parent = directory.deletingLastPathComponent()
        if parent.path == directory.path { break }
        directory = parent
      }
      guard let found else {
        reader.fail(top.node, "catalog", "no part catalog found: add 'catalog: path/to/FailureData/parts.yaml'")
        reader.catalogMissing = true
        return nil
      }
      url = found
      name = relativeDisplayName(found)
    }
    do {
      let node = try SourceNode.load(contentsOf: url, displayName: name)
      guard let fields = reader.mapping(node, at: "", allowed: ["schema_version", "parts"]) else { return nil }
      if let version = fields.integer("schema_version", minimum: 1), version != 1 {
        reader.fail(fields["schema_version"]!, "schema_version", "this cposim reads catalog schema 1 (got \(version))")
      }
      return fields.required("parts")
    } catch {
      for problem in error.errors { reader.fail(SourceNode(value: .null, file: problem.file, line: problem.line, column: problem.column), problem.keyPath, problem.message) }
      reader.catalogMissing = true
      return nil
    }
  }
}

/// A scenario's resolved source in memory (files merged, catalog merged, ranges at their central
/// values), to build the scenario again with other values for some keys: each trial of a scenario
/// with uncertain inputs draws them and builds its own scenario from this.
public final class ScenarioTemplate: Sendable, Hashable {
  let node: SourceNode
  let files: [String]
  let catalogFile: String?
  let scenarioURL: URL
  let displayName: String

  init(node: SourceNode, files: [String], catalogFile: String?, scenarioURL: URL, displayName: String) {
    self.node = node
    self.files = files
    self.catalogFile = catalogFile
    self.scenarioURL = scenarioURL
    self.displayName = displayName
  }

  /// The value at `keyPath` as written (after extends, the catalog and `set`), or nil when the
  /// key is absent or holds a mapping or list.
  public func writtenValue(at keyPath: String) -> String? {
    guard case let .scalar(text)? = node.node(at: keyPath)?.value else { return nil }
    return text
  }

  /// The scenario with the keys of `overrides` (key path, value as written) set.
  /// - Throws: `InputErrors` when a value is not valid for its key.
  public func scenario(overrides: [(keyPath: String, value: String)]) throws(InputErrors) -> Scenario {
    var tree = node
    for (keyPath, value) in overrides { tree = tree.setting(keyPath.split(separator: ".").map(String.init), to: value) }
    let reader = InputReader()
    let empty = SourceNode(value: .mapping([]), file: displayName, line: nil, column: nil)
    let scenario = ScenarioLoader.read(tree, files: files, scenarioURL: scenarioURL, displayName: displayName, reader: reader,
                                       preloaded: (empty, catalogFile), checkingRanges: false)
    try reader.throwIfFailed()
    guard let scenario else { throw InputErrors([InputError(file: displayName, line: nil, column: nil, keyPath: "", message: "invalid scenario")]) }
    return scenario
  }

  /// Whether the two are the same template object (identity, not contents).
  public static func == (a: ScenarioTemplate, b: ScenarioTemplate) -> Bool { a === b }
  /// Hashes the object's identity.
  public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
