import Foundation

/// Loads a scenario file into a validated `Scenario`: follows `extends`, finds the part catalog,
/// applies part overrides, and checks every key and value.
///
/// All problems of all files involved are reported together as `InputErrors`, each naming
/// file, line, column, key path and value.
public enum ScenarioLoader {
  static let topKeys = [
    "name", "description", "extends", "catalog", "horizon", "trials", "seed", "ageing_while_down",
    "fabric", "system", "parts", "repair", "jobs", "node_pool", "costs", "provenance", "ranges",
  ]

  /// One value set from the command line: a dotted key path and the value as text.
  public struct Override: Sendable, Hashable {
    public let keyPath: String
    public let value: String
    public init(keyPath: String, value: String) {
      self.keyPath = keyPath
      self.value = value
    }
  }

  /// Loads the scenario at `path` (relative paths are taken from the current directory), with
  /// `overrides` applied on top of everything it extends, as if written in the file itself.
  public static func load(path: String, overrides: [Override] = []) throws(InputErrors) -> Scenario {
    let url = URL(fileURLWithPath: path)
    var chain: [String] = []
    var (node, files) = try resolveExtends(url: url, displayName: path, chain: &chain)
    for override in overrides { node = node.setting(override.keyPath.split(separator: ".").map(String.init), to: override.value) }
    let reader = InputReader()
    let scenario = read(node, files: files, scenarioURL: url, displayName: path, reader: reader)
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
    guard let extendsNode = node["extends"] else { return (node, [displayName]) }
    guard case let .scalar(base) = extendsNode.value else {
      throw InputErrors([InputError(file: displayName, line: extendsNode.line, column: extendsNode.column, keyPath: "extends",
                                    message: "must be the path of another scenario file (got \(extendsNode.kindName))")])
    }
    let baseURL = URL(fileURLWithPath: base, relativeTo: url.deletingLastPathComponent())
    let baseName = relativeDisplayName(baseURL)
    guard FileManager.default.fileExists(atPath: baseURL.path) else {
      throw InputErrors([InputError(file: displayName, line: extendsNode.line, column: extendsNode.column, keyPath: "extends",
                                    message: "no such file '\(base)' (looked for \(baseName))")])
    }
    let (baseNode, baseFiles) = try resolveExtends(url: baseURL, displayName: baseName, chain: &chain)
    // The derived file's name wins; its catalog path stays relative to the file that set it.
    return (baseNode.removing("name").merged(with: node.removing("extends")), baseFiles + [displayName])
  }

  /// A path shown in messages: relative to the current directory when inside it.
  static func relativeDisplayName(_ url: URL) -> String {
    let path = url.standardizedFileURL.path
    let cwd = FileManager.default.currentDirectoryPath
    if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
    return path
  }

  // MARK: Reading

  /// - Parameters:
  ///   - preloadedCatalog: the catalog's `parts`, already read (when a range's bound is tried).
  ///   - checkingRanges: whether to read `provenance` and `ranges` (and try each range's bounds).
  static func read(_ node: SourceNode, files: [String], scenarioURL: URL, displayName: String, reader: InputReader,
                   preloadedCatalog: SourceNode? = nil, checkingRanges: Bool = true) -> Scenario? {
    guard let top = reader.mapping(node, at: "", allowed: topKeys) else { return nil }

    let catalogNode = preloadedCatalog ?? loadCatalog(top: top, scenarioURL: scenarioURL, displayName: displayName, reader: reader)
    let catalogFile = catalogNode?.file
    var partsNode = catalogNode ?? SourceNode(value: .mapping([]), file: displayName, line: nil, column: nil)
    if let overrides = top["parts"] { partsNode = partsNode.merged(with: overrides) }
    let catalog = PartCatalog(parts: CatalogReader.parts(partsNode, at: "parts", reader: reader))

    let name = top.text("name") ?? scenarioURL.deletingPathExtension().lastPathComponent
    let horizon = top.duration("horizon", positive: true) ?? 5 * 8760
    let trials = top.integer("trials", minimum: 1) ?? 1000
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
    let repair = RepairReader.read(top["repair"], fruIDs: fruIDs, reader: reader)
    let jobs = JobReader.read(top["jobs"], reader: reader)
    let nodePool = NodePoolReader.read(top["node_pool"], reader: reader)
    if case let .fabric(spec)? = plant {
      checkPlacement(jobs: jobs, pool: nodePool, fabric: spec, top: top, reader: reader)
    }
    let costs = CostReader.read(top["costs"], reader: reader)
    if let repair { checkRework(catalog: catalog, usedParts: usedParts, repair: repair, top: top, reader: reader) }
    var provenance = ProvenanceReader.Result()
    if checkingRanges {
      // A range's bound is tried by reading the whole scenario again with it as an override.
      provenance = ProvenanceReader.read(top: node, parts: partsNode, catalogFile: catalogFile, files: files, usedParts: usedParts,
                                         reader: reader) {
        keyPath, value in
        let sub = InputReader()
        _ = read(node.setting(keyPath.split(separator: ".").map(String.init), to: value), files: files, scenarioURL: scenarioURL,
                 displayName: displayName, reader: sub, preloadedCatalog: catalogNode, checkingRanges: false)
        return sub.errors
      }
    }
    guard let plant, let repair, let costs else { return nil }
    var scenario = Scenario(name: name, description: top.text("description"), horizon: horizon, trials: trials, seed: seed,
                            plant: plant, catalog: catalog, repair: repair, jobs: jobs, nodePool: nodePool, costs: costs,
                            ageingWhileDown: ageing, files: files, catalogFile: catalogFile)
    scenario.ranges = provenance.ranges
    scenario.inputs = provenance.inputs
    return scenario
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
      url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: node.file).deletingLastPathComponent())
      name = relativeDisplayName(url)
      guard FileManager.default.fileExists(atPath: url.path) else {
        reader.fail(node, "catalog", "no such file '\(path)' (looked for \(name))")
        return nil
      }
    } else {
      var directory = scenarioURL.standardizedFileURL.deletingLastPathComponent()
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
      return nil
    }
  }
}
