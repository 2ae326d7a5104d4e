import Foundation

extension Scenario {
  /// This scenario, checked as the loader checks a file: the trial count and horizon within
  /// cposim's limits, a fabric that can be built from the catalog (or a system whose parts are
  /// in it), spares and workflows for FRUs the catalog has, a rework price for every
  /// `rma-rework` FRU, jobs and spare nodes that fit in the fabric, unique job names and
  /// in-memory checkpoint intervals that divide the durable one.
  ///
  /// A scenario built in code (`init(name:horizon:trials:...)`) must pass it before it is run:
  /// the engine relies on these invariants and does not check them again. Problems are
  /// reported together, each with the key path a scenario file would use (`jobs[0].gpus`) and
  /// the scenario's name in place of a file.
  /// - Throws: `InputErrors`, one per problem.
  public func validated() throws(InputErrors) -> Scenario {
    var errors: [InputError] = []
    func fail(_ keyPath: String, _ message: String) {
      errors.append(InputError(file: name, line: nil, column: nil, keyPath: keyPath, message: message))
    }
    if !(1...InputLimits.trials).contains(trials) { fail("trials", "must be 1 to \(InputLimits.trials) (got \(trials))") }
    if !(horizon > 0 && horizon <= InputLimits.horizonHours) {
      fail("horizon", "must be more than 0 and at most 100y, in hours (got \(horizon))")
    }
    var usedParts: [String] = []
    switch plant {
    case let .fabric(spec):
      if !(1...InputLimits.gpus).contains(spec.gpus) { fail("fabric.gpus", "must be 1 to \(InputLimits.gpus) (got \(spec.gpus))") }
      do {
        usedParts = try FabricBuilder.build(spec, catalog: catalog).partCounts.map(\.part)
      } catch {
        fail("fabric", error.description)
      }
      var used = 0
      for (index, job) in jobs.enumerated() {
        let jobNodes = job.nodes(gpusPerNode: spec.gpusPerNode)
        if job.gpus > spec.gpus { fail("jobs[\(index)].gpus", "job '\(job.name)' needs \(job.gpus) GPUs but the fabric has \(spec.gpus)") }
        if let minimum = job.minNodes, minimum > jobNodes {
          fail("jobs[\(index)].min_nodes", "cannot exceed the job's \(jobNodes) nodes (got \(minimum))")
        }
        used += jobNodes
      }
      if used > spec.nodes { fail("jobs", "the jobs need \(used) nodes together but the fabric has \(spec.nodes)") }
      let spares = nodePool.spares(nodes: spec.nodes, inJobs: used)
      if nodePool.spareNodes != nil, used <= spec.nodes, used + spares > spec.nodes {
        fail("node_pool.spare_nodes", "\(spares) spare nodes and the jobs' \(used) nodes exceed the fabric's \(spec.nodes) nodes")
      }
    case let .system(system):
      for (index, unit) in system.units.enumerated() {
        if catalog[unit.part] == nil { fail("system.units[\(index)].part", "no part '\(unit.part)' in the catalog") }
        if unit.count < 1 { fail("system.units[\(index)].count", "must be at least 1 (got \(unit.count))") }
      }
      usedParts = system.units.map(\.part)
    }
    let frus = Set(catalog.parts.map(\.fru))
    if repair.technicians < 1 { fail("repair.technicians.count", "must be at least 1 (got \(repair.technicians))") }
    for fru in repair.spares.keys.sorted() where !frus.contains(fru) { fail("repair.spares.\(fru)", "no FRU '\(fru)' in the catalog") }
    for (fru, pool) in repair.spares.sorted(by: { $0.key < $1.key }) where pool.initial < 0 || pool.reorderPoint < 0 || pool.reorderQuantity < 1 {
      fail("repair.spares.\(fru)", "needs initial and reorder_point of 0 or more and reorder_quantity of 1 or more")
    }
    for (fru, workflow) in repair.workflows.sorted(by: { $0.key < $1.key }) {
      guard frus.contains(fru) else { fail("repair.workflows.\(fru)", "no FRU '\(fru)' in the catalog"); continue }
      if workflow.action == .rmaRework, let part = catalog.fruPart(fru, among: usedParts), part.reworkCostUSD == nil {
        fail("repair.workflows.\(fru).action", "'rma-rework' needs the rework price of FRU '\(fru)' outside warranty (part '\(part.id)' rework_cost_usd)")
      }
      if workflow.when != .now, repair.maintenanceWindow == nil, workflow.when != .leaveDark || workflow.swapWhenDarkExceeds == nil {
        fail("repair.workflows.\(fru).when", "'\(workflow.when.rawValue)' needs repair.maintenance_window")
      }
    }
    var names = Set<String>()
    for (index, job) in jobs.enumerated() {
      if !names.insert(job.name).inserted { fail("jobs[\(index)].name", "job name '\(job.name)' is used twice") }
      if job.gpus < 1 { fail("jobs[\(index)].gpus", "must be at least 1 (got \(job.gpus))") }
      if !(job.checkpointInterval > 0) { fail("jobs[\(index)].checkpoint_interval", "must be more than 0 (got \(job.checkpointInterval))") }
      if let m = job.memoryCheckpoint {
        let k = job.checkpointInterval / m.interval
        if !(m.interval > 0) || k < 1 - 1e-9 || abs(k - k.rounded()) > 1e-6 * max(1, k) {
          fail("jobs[\(index)].memory_checkpoint.interval", "must divide checkpoint_interval a whole number of times")
        }
      }
    }
    guard errors.isEmpty else { throw InputErrors(errors) }
    return self
  }
}

extension PartCatalog {
  /// Reads a part catalog file (FailureData/parts.yaml's format, docs/inputs.md): the catalog a
  /// scenario built in code uses. A part given as a range (`{uncertain: ...}`) takes its central
  /// value, as in a loaded scenario.
  /// - Throws: `InputErrors` naming the file, line, key and value of each problem.
  public static func load(path: String) throws(InputErrors) -> PartCatalog {
    let reader = InputReader()
    let node = try SourceNode.load(contentsOf: URL(fileURLWithPath: path), displayName: path)
    guard let fields = reader.mapping(node, at: "", allowed: ["schema_version", "parts"]) else { throw InputErrors(reader.errors) }
    if let version = fields.integer("schema_version", minimum: 1), version != 1 {
      reader.fail(fields["schema_version"]!, "schema_version", "this cposim reads catalog schema 1 (got \(version))")
    }
    guard let partsNode = fields.required("parts") else { throw InputErrors(reader.errors) }
    let (central, _) = UncertaintyReader.extract(partsNode, prefix: "parts", reader: reader)
    let catalog = PartCatalog(parts: CatalogReader.parts(central, at: "parts", reader: reader))
    guard reader.errors.isEmpty else { throw InputErrors(reader.errors) }
    return catalog
  }
}
