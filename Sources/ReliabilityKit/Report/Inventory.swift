/// What `cposim describe` reports: the inventory a scenario expands into.
public struct Inventory: Encodable, Sendable {
  /// The JSON's `schema_version`; bumped on any breaking change.
  public static let schemaVersion = 1

  /// A name and how many.
  public struct Count: Encodable, Sendable, Equatable {
    /// The FRU, part, tier, link group or unit.
    public let name: String
    /// How many of it.
    public let count: Int
  }

  /// The fabric the preset expands into.
  public struct FabricSummary: Encodable, Sendable {
    /// `leaf-spine` or `three-tier-clos`.
    public let topology: String
    /// The switch ports' optics class (`pluggable`, `cpo`, `cpo-internal-laser`, `lpo`, `lro`).
    public let optics: String
    /// GPUs in the cluster.
    public let gpus: Int
    /// Ports per switch.
    public let switchRadix: Int
    /// Port speed, in Gb/s.
    public let portSpeedGbps: Int
    /// Switches in every tier.
    public let switches: Int
    /// Switches by tier (`leaf`, `spine`, `core`).
    public let switchesByTier: [Count]
    /// Links in every group.
    public let links: Int
    /// Links by group (`nic-leaf`, `leaf-spine`, `spine-core`).
    public let linksByTier: [Count]
    /// Switch ports wired, over every tier.
    public let switchPortsInUse: Int
    /// Pluggable transceiver modules, switch and NIC side.
    public let transceivers: Int
    /// Co-packaged optical engines.
    public let opticalEngines: Int
    /// External laser source modules.
    public let elsModules: Int
    /// Laser diodes: in pluggable modules, in ELS modules and inside CPO packages.
    public let lasers: Int
    /// Power of the links' ends (modules, engines, laser sources; active copper cables), in kW, before PUE.
    public let opticsPowerKw: Double
    /// The same times the scenario's PUE, in kW.
    public let opticsPowerWithPueKw: Double
    /// NIC–leaf links (`optical` or `copper`), rails, planes, links per NIC, extra uplinks per leaf.
    public let nicLink: String
    /// Whether each node's NICs go to different leaves.
    public let railOptimized: Bool
    /// Parallel fabrics.
    public let planes: Int
    /// Links per NIC, each to a different leaf.
    public let nicHoming: Int
    /// Extra uplinks per leaf beyond what the oversubscription needs.
    public let uplinkOverbuild: Int
    /// Nodes of the fabric: in jobs, reserved as spares, and idle.
    public let nodes: Int
    /// Nodes the jobs use.
    public let nodesInJobs: Int
    /// Nodes reserved as spares (at most the nodes outside jobs).
    public let spareNodes: Int
  }

  /// A plain system's units.
  public struct SystemSummary: Encodable, Sendable {
    /// Each unit name with its count.
    public let units: [Count]
  }

  /// One input with its provenance (docs/inputs.md).
  public struct Input: Encodable, Sendable {
    /// The full key path, as `--set` takes it.
    public let keyPath: String
    /// The value as written.
    public let value: String
    /// `sourced`, `calibrated`, `estimate` or `unstated`.
    public let provenance: String
    /// The SOURCES.md key (sourced), the target and date (calibrated), the reason (estimate).
    public let source: Nullable<String>
    /// The calibration target (calibrated), or null.
    public let target: Nullable<String>
    /// The calibration's date (calibrated), or null.
    public let date: Nullable<String>
    /// Why the estimate is what it is (estimate), or null.
    public let reason: Nullable<String>
    /// The low/high range that applies to the input, or null.
    public let range: Nullable<Range>
    /// The part whose catalog entry holds the value (null for scenario values).
    public let part: Nullable<String>
    /// The file where the value is written.
    public let file: String
    /// Its line there, or null.
    public let line: Nullable<Int>

    /// A low/high range of an input, as written.
    public struct Range: Encodable, Sendable {
      /// The low end, as written.
      public let low: String
      /// The high end, as written.
      public let high: String
      /// `catalog` or `scenario`.
      public let origin: String
    }

    init(_ v: InputValue) {
      keyPath = v.keyPath
      value = v.value
      provenance = v.provenance.className
      var source: String?, target: String?, date: String?, reason: String?
      switch v.provenance {
      case let .sourced(key): source = key
      case let .calibrated(t, d): (target, date) = (t, d)
      case let .estimate(r): reason = r
      case .unstated: break
      }
      self.source = Nullable(source)
      self.target = Nullable(target)
      self.date = Nullable(date)
      self.reason = Nullable(reason)
      range = Nullable(v.range.map { Range(low: $0.low, high: $0.high, origin: $0.origin.rawValue) })
      part = Nullable(v.part)
      file = v.file
      line = Nullable(v.line)
    }
  }

  /// The JSON's `schema_version`.
  public let schemaVersion = Inventory.schemaVersion
  /// The scenario's name.
  public let scenario: String
  /// The scenario's files, base first.
  public let files: [String]
  /// Simulated time per trial, in hours.
  public let horizonHours: Double
  /// The scenario's default trial count.
  public let trials: Int
  /// The scenario's default master seed.
  public let seed: UInt64
  /// The fabric; null for a plain system.
  public let fabric: FabricSummary?
  /// The plain system; null for a fabric.
  public let system: SystemSummary?
  /// FRUs by FRU id.
  public let frus: [Count]
  /// Units of each part, by part id.
  public let parts: [Count]
  /// Every input with its provenance: catalog values of the parts used, then scenario values.
  public let inputs: [Input]
  /// Every FRU the plant holds, priced (the capital, support and SerDes cost lines' inputs);
  /// printed by `describe`, not written to its JSON.
  public let capital: [ScenarioDescription.CapitalLine]
  /// `costs.capital_life` in hours; nil when capital is one-off or not counted (not in the JSON).
  public let capitalLifeHours: Double?
  /// Whether capital is counted all at once (`capital_life: one-off`). Like `capital` and `capitalLifeHours`, printed by `describe` but not written to its JSON.
  public let capitalOneOff: Bool
  /// The joint draws the scenario carries (`posterior:`, docs/inference.md): keys, units, the
  /// number of draws, each key's 5/50/95 % over them and the block's provenance; null in the
  /// JSON when there are none.
  public let posterior: ComparisonReport.PosteriorSummary?
  /// The named branches (`branches:`): what each sets, its note and source; nil when none,
  /// written as an empty list.
  public let branches: [Branch]?

  /// A named set of values for inputs no evidence constrains (a ``ScenarioBranch``).
  public struct Branch: Encodable, Sendable {
    /// The branch's name.
    public let name: String
    /// The values it sets, by key path, as written.
    public let set: [String: String]
    /// Why the branch exists, in words.
    public let note: String
    /// Its source key, or null.
    public let source: String?
  }

  /// The inventory of `scenario`; throws when its fabric cannot be built.
  public init(scenario: Scenario) throws(ModelError) {
    posterior = scenario.posterior.map { ComparisonReport.PosteriorSummary($0, file: $0.file) }
    branches = scenario.branches.isEmpty ? nil : scenario.branches.map { b in
      Branch(name: b.name, set: Dictionary(b.set.map { ($0.keyPath, $0.value) }, uniquingKeysWith: { a, _ in a }), note: b.note, source: b.source)
    }
    self.scenario = scenario.name
    files = scenario.files
    horizonHours = scenario.horizon
    trials = scenario.trials
    seed = scenario.seed
    inputs = scenario.inputs.map(Input.init)
    capital = ScenarioDescription.capitalLines(scenario)
    if case let .life(h)? = scenario.costs.capital { capitalLifeHours = h } else { capitalLifeHours = nil }
    capitalOneOff = scenario.costs.capital == .oneOff
    switch scenario.plant {
    case let .fabric(spec):
      let fabric = try FabricBuilder.build(spec, catalog: scenario.catalog)
      let inJobs = scenario.jobs.reduce(0) { $0 + $1.nodes(gpusPerNode: spec.gpusPerNode) }
      let watts = fabric.opticsPowerWatts(catalog: scenario.catalog)
      self.fabric = FabricSummary(
        topology: spec.topology.rawValue, optics: spec.optics.rawValue, gpus: spec.gpus, switchRadix: spec.switchRadix,
        portSpeedGbps: spec.portSpeedGbps, switches: fabric.switches,
        switchesByTier: fabric.tiers.map { Count(name: $0.name, count: $0.switches) },
        links: fabric.linkCount, linksByTier: fabric.links.map { Count(name: $0.name, count: $0.count) },
        switchPortsInUse: fabric.switchPortsInUse, transceivers: fabric.transceivers,
        opticalEngines: fabric.opticalEngines, elsModules: fabric.elsModules, lasers: fabric.lasers,
        opticsPowerKw: watts / 1000, opticsPowerWithPueKw: watts * scenario.costs.pue / 1000,
        nicLink: spec.nicLink.rawValue, railOptimized: spec.railOptimized, planes: spec.planes, nicHoming: spec.nicHoming,
        uplinkOverbuild: spec.uplinkOverbuild, nodes: spec.nodes, nodesInJobs: inJobs,
        spareNodes: min(scenario.nodePool.spares(nodes: spec.nodes, inJobs: inJobs), max(0, spec.nodes - inJobs)))
      system = nil
      frus = fabric.fruCounts.map { Count(name: $0.part, count: $0.count) }
      parts = fabric.partCounts.map { Count(name: $0.part, count: $0.count) }
    case let .system(spec):
      fabric = nil
      system = SystemSummary(units: spec.units.map { Count(name: $0.name, count: $0.count) })
      var fruTotals: [String: Int] = [:], partTotals: [String: Int] = [:]
      var fruOrder: [String] = [], partOrder: [String] = []
      for unit in spec.units {
        let fru = scenario.catalog[unit.part]?.fru ?? unit.part
        if fruTotals[fru] == nil { fruOrder.append(fru) }
        if partTotals[unit.part] == nil { partOrder.append(unit.part) }
        fruTotals[fru, default: 0] += unit.count
        partTotals[unit.part, default: 0] += unit.count
      }
      frus = fruOrder.map { Count(name: $0, count: fruTotals[$0]!) }
      parts = partOrder.map { Count(name: $0, count: partTotals[$0]!) }
    }
  }

  private enum CodingKeys: String, CodingKey {
    case schemaVersion, scenario, files, horizonHours, trials, seed, fabric, system, frus, parts, inputs, posterior, branches
  }

  /// Writes `fabric` or `system` as an explicit null when absent.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(schemaVersion, forKey: .schemaVersion)
    try c.encode(scenario, forKey: .scenario)
    try c.encode(files, forKey: .files)
    try c.encode(horizonHours, forKey: .horizonHours)
    try c.encode(trials, forKey: .trials)
    try c.encode(seed, forKey: .seed)
    if let fabric { try c.encode(fabric, forKey: .fabric) } else { try c.encodeNil(forKey: .fabric) }
    if let system { try c.encode(system, forKey: .system) } else { try c.encodeNil(forKey: .system) }
    try c.encode(frus, forKey: .frus)
    try c.encode(parts, forKey: .parts)
    try c.encode(inputs, forKey: .inputs)
    if let posterior { try c.encode(posterior, forKey: .posterior) } else { try c.encodeNil(forKey: .posterior) }
    try c.encode(branches ?? [], forKey: .branches)
  }
}
