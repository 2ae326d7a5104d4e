/// What `cposim describe` reports: the inventory a scenario expands into.
public struct Inventory: Encodable, Sendable {
  public static let schemaVersion = 1

  public struct Count: Encodable, Sendable, Equatable {
    public let name: String
    public let count: Int
  }

  public struct FabricSummary: Encodable, Sendable {
    public let topology: String
    public let optics: String
    public let gpus: Int
    public let switchRadix: Int
    public let portSpeedGbps: Int
    public let switches: Int
    public let switchesByTier: [Count]
    public let links: Int
    public let linksByTier: [Count]
    public let switchPortsInUse: Int
    public let transceivers: Int
    public let opticalEngines: Int
    public let elsModules: Int
    public let lasers: Int
    public let opticsPowerKw: Double
    public let opticsPowerWithPueKw: Double
    /// NIC–leaf links (`optical` or `copper`), rails, planes, links per NIC, extra uplinks per leaf.
    public let nicLink: String
    public let railOptimized: Bool
    public let planes: Int
    public let nicHoming: Int
    public let uplinkOverbuild: Int
    /// Nodes of the fabric: in jobs, reserved as spares, and idle.
    public let nodes: Int
    public let nodesInJobs: Int
    public let spareNodes: Int
  }

  public struct SystemSummary: Encodable, Sendable {
    public let units: [Count]
  }

  /// One input with its provenance (docs/inputs.md).
  public struct Input: Encodable, Sendable {
    public let keyPath: String
    public let value: String
    /// `sourced`, `calibrated`, `estimate` or `unstated`.
    public let provenance: String
    /// The SOURCES.md key (sourced), the target and date (calibrated), the reason (estimate).
    public let source: Nullable<String>
    public let target: Nullable<String>
    public let date: Nullable<String>
    public let reason: Nullable<String>
    public let range: Nullable<Range>
    /// The part whose catalog entry holds the value (null for scenario values).
    public let part: Nullable<String>
    public let file: String
    public let line: Nullable<Int>

    public struct Range: Encodable, Sendable {
      public let low: String
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

  public let schemaVersion = Inventory.schemaVersion
  public let scenario: String
  public let files: [String]
  public let horizonHours: Double
  public let trials: Int
  public let seed: UInt64
  public let fabric: FabricSummary?
  public let system: SystemSummary?
  /// FRUs by FRU id.
  public let frus: [Count]
  /// Units of each part, by part id.
  public let parts: [Count]
  /// Every input with its provenance: catalog values of the parts used, then scenario values.
  public let inputs: [Input]
  /// Every FRU the plant holds, priced (the capital, support and SerDes cost lines' inputs).
  public let capital: [ScenarioDescription.CapitalLine]
  /// `costs.capital_life` in hours; null when capital is one-off or not counted.
  public let capitalLifeHours: Double?
  public let capitalOneOff: Bool
  /// The joint draws the scenario carries (`posterior:`, docs/inference.md): keys, units, the
  /// number of draws, each key's 5/50/95 % over them and the block's provenance; absent when none.
  public let posterior: ComparisonReport.PosteriorSummary?
  /// The named branches (`branches:`): what each sets, its note and source; absent when none.
  public let branches: [Branch]?

  public struct Branch: Encodable, Sendable {
    public let name: String
    public let set: [String: String]
    public let note: String
    public let source: String?
  }

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
