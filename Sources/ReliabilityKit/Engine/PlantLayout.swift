import Foundation

/// Everything a trial needs that does not change between trials: the FRU populations with their
/// failure models, what each failure takes down (`ImpactRule`) and how it is repaired
/// (`WorkflowPlan`), resolved once from the scenario. Shared read-only by the trials of a worker.
///
/// Resolution is where the scenario's vocabulary (part roles, locations, workflow actions)
/// ends: the engine only executes the rules and plans held here.
struct PlantLayout: Sendable {
  /// A class, not a struct: the engine reads populations on every event, and copying a struct
  /// of arrays costs a retain and release per array.
  final class Population: Sendable {
    /// `fru@location`, also the name of the population's random stream.
    let name: String
    let fru: String
    let count: Int
    /// The parts inside one FRU, with their counts.
    let parts: [(part: Part, count: Int)]
    let model: FailureModel
    /// Per mode of `model`: what a failure takes down.
    let failureRules: [ImpactRule]
    /// What replacing a unit drains (planned).
    let drainRule: ImpactRule
    /// Per mode of `model`: how a failure is repaired.
    let plans: [WorkflowPlan]
    /// What kind of unit this is, to name the cause of the job interruptions it causes.
    let origin: JobBoard.OutageOrigin
    /// Index of the FRU's spare stock in `PlantLayout.spareFRUs`.
    let spareIndex: Int
    /// Failures a unit absorbs before it goes down (spare laser lanes of an ELS).
    let absorbable: Int
    /// The stream key of the population's failure draws (common random numbers).
    let streamKey: UInt64
    /// Per mode of `model`: the flap duration of a flap mode (nil for a hard failure), and the
    /// fix. Read on every failure; held here so the event loop does not copy `Part` values.
    let flapDurations: [Distribution?]
    let fixes: [FailureMode.Fix]
    /// Failure models by variant (bit 0: lemon, bit 1: bad lot); `variants[0]` is `model`.
    let variants: [FailureModel]
    let lemon: Lemon?
    let badLot: BadLot?
    /// Per mode: the degradation that precedes some of its failures.
    let precursors: [Precursor?]
    /// The FRU's lemon detection, and whether detected degradation is acted on.
    let proactive: Workflow.Proactive?
    let actOnDegradation: Bool
    /// The units' ages at the start: every unit `installedAge` old, or (with a commissioning
    /// ramp) ages spread uniformly, tabulated per variant.
    let installedAge: Hours
    let rampAges: [FleetAges]?

    init(name: String, fru: String, count: Int, parts: [(part: Part, count: Int)], model: FailureModel,
         failureRules: [ImpactRule], drainRule: ImpactRule, plans: [WorkflowPlan], origin: JobBoard.OutageOrigin,
         spareIndex: Int, absorbable: Int, streamKey: UInt64, full: FailureModel? = nil, workflow: Workflow? = nil,
         fleet: FleetSpec = FleetSpec(), horizon: Hours = 0) {
      self.name = name
      self.fru = fru
      self.count = count
      self.parts = parts
      self.model = model
      self.failureRules = failureRules
      self.drainRule = drainRule
      self.plans = plans
      self.origin = origin
      self.spareIndex = spareIndex
      self.absorbable = absorbable
      self.streamKey = streamKey
      flapDurations = model.modes.map { m in
        if case let .flap(duration) = parts[m.part].part.modes[m.mode].effect { duration } else { nil }
      }
      fixes = model.modes.map { parts[$0.part].part.modes[$0.mode].fix }
      lemon = parts.lazy.compactMap(\.part.lemon).first
      badLot = parts.lazy.compactMap(\.part.badLot).first
      precursors = model.modes.map { parts[$0.part].part.modes[$0.mode].precursor }
      proactive = workflow?.proactive
      actOnDegradation = workflow?.actOnDegradation ?? false
      installedAge = fleet.installedAge
      let isFlap = flapDurations.map { $0 != nil }
      let whole = full ?? model
      let lemonModel = lemon.map { model.scaled(flap: $0.flapMultiplier, hard: $0.failureMultiplier, isFlap: isFlap, full: whole, simulateAllFlaps: true) } ?? model
      let lotModel = badLot.map { model.scaled(flap: 1, hard: $0.multiplier, isFlap: isFlap, full: whole, simulateAllFlaps: false) } ?? model
      let both = badLot.map { lemonModel.scaled(flap: 1, hard: $0.multiplier, isFlap: isFlap, full: lemonModel, simulateAllFlaps: false) } ?? lemonModel
      variants = [model, lemonModel, lotModel, both]
      rampAges = fleet.commissioningRamp > 0
        ? variants.map { FleetAges(model: $0, youngest: fleet.installedAge, ramp: fleet.commissioningRamp, horizon: horizon) } : nil
    }

    /// Every array gets a buffer of its own and every plan an object of its own (`map` allocates;
    /// assigning an array would share its buffer): the event loop retains and releases them, and
    /// two workers doing that on the same objects contend for their reference counts' cache lines.
    private init(copying p: Population) {
      name = p.name; fru = p.fru; count = p.count; parts = p.parts.map { $0 }; model = p.model.copy()
      failureRules = p.failureRules.map { $0 }; drainRule = p.drainRule; plans = p.plans.map { $0.copy() }
      origin = p.origin; spareIndex = p.spareIndex; absorbable = p.absorbable; streamKey = p.streamKey
      flapDurations = p.flapDurations.map { $0 }; fixes = p.fixes.map { $0 }; variants = p.variants.map { $0.copy() }
      lemon = p.lemon; badLot = p.badLot; precursors = p.precursors.map { $0 }; proactive = p.proactive
      actOnDegradation = p.actOnDegradation; installedAge = p.installedAge; rampAges = p.rampAges
    }

    /// A copy with its own storage (for another worker thread).
    func copy() -> Population { Population(copying: self) }

    /// The failure mode behind `model.modes[index]`.
    func mode(_ index: Int) -> (part: Part, mode: FailureMode) {
      let m = model.modes[index]
      let part = parts[m.part].part
      return (part, part.modes[m.mode])
    }
  }

  enum Kind: Sendable {
    /// A plain system: its structure with units named by population index.
    case system(SystemStructure)
    case fabric(FabricLayout)
  }

  let populations: [Population]
  let spareFRUs: [String]
  let kind: Kind
  /// Flaps counted rather than simulated, per population and mode.
  let aggregatedFlaps: [AggregatedFlaps]
  /// Electrical power the energy cost line counts, in watts: the optics of a fabric (modules,
  /// optical engines, laser sources), or every unit of a plain system.
  let powerWatts: Double

  /// What layouts of the same fabric share: its wiring, and the link groups and duration moments
  /// of aggregated flaps (the costly parts of a layout, which drawn inputs do not change).
  let shared: SharedWiring?
  /// Common-cause events resolved to groups of switch numbers.
  let commonCauses: [ResolvedCause]

  struct ResolvedCause: Sendable {
    let cause: CommonCause
    let groups: [Range<Int>]
    let origin: JobBoard.OutageOrigin
    let streamKey: UInt64
  }

  /// - Parameter base: a layout of the same scenario with other input values (a trial's drawn
  ///   inputs): its wiring and flap groups are reused when the fabric is the same.
  init(scenario: Scenario, reusing base: PlantLayout? = nil) throws(ModelError) {
    var populations: [Population] = []
    var spareFRUs: [String] = []
    var aggregatedFlaps: [AggregatedFlaps] = []
    func spareIndex(_ fru: String) -> Int {
      if let i = spareFRUs.firstIndex(of: fru) { return i }
      spareFRUs.append(fru)
      return spareFRUs.count - 1
    }
    func model(_ parts: [(part: Part, count: Int)]) -> FailureModel {
      var modes: [FailureModel.Mode] = []
      for (p, entry) in parts.enumerated() {
        for (m, mode) in entry.part.modes.enumerated() {
          modes.append(.init(part: p, mode: m, distribution: mode.distribution, multiplicity: entry.count))
        }
      }
      return FailureModel(modes: modes)
    }
    func workflow(_ fru: String, role: Fabric.Population.Role?) -> Workflow {
      if let w = scenario.repair.workflows[fru] { return w }
      switch role {
      case .els: return .default(action: .laserSwap)
      case .switchBoard, .nic: return .default(action: .boardReplace)
      case .transceiver: return .default(action: .hotSwap)
      default:
        var w = Workflow.default(action: .hotSwap)
        w.cleanFirst = false
        return w
      }
    }

    switch scenario.plant {
    case let .system(system):
      for (u, unit) in system.units.enumerated() {
        guard let part = scenario.catalog[unit.part] else { throw .unknownPart(id: unit.part, role: "system unit", suggestion: nil) }
        let parts = [(part: part, count: 1)]
        let failureModel = model(parts)
        let plan = WorkflowPlan(workflow(part.fru, role: nil))
        populations.append(Population(
          name: unit.name, fru: part.fru, count: unit.count, parts: parts, model: failureModel,
          failureRules: failureModel.modes.map { _ in .systemUnit(u) }, drainRule: .none,
          plans: failureModel.modes.map { _ in plan }, origin: .other, spareIndex: spareIndex(part.fru), absorbable: 0,
          streamKey: SeedSequence.streamKey("\(part.fru)@\(unit.name)"), workflow: workflow(part.fru, role: nil),
          fleet: scenario.fleet, horizon: scenario.horizon))
      }
      kind = .system(SystemStructure(system))
      shared = nil
      powerWatts = system.units.reduce(0) { $0 + Double($1.count) * (scenario.catalog[$1.part]?.powerWatts ?? 0) }
    case let .fabric(spec):
      let fabric = try FabricBuilder.build(spec, catalog: scenario.catalog)
      let reuse = base?.shared.flatMap { $0.wiring.fabric == fabric ? $0 : nil }
      let sharing = reuse ?? SharedWiring(wiring: FabricLayout(fabric: fabric))
      let wiring = sharing.wiring
      // Flaps shorter than every job's tolerance are counted, not simulated (AggregatedFlaps).
      let tolerance = (nicLinks: scenario.jobs.map(\.flapTolerance).min() ?? .infinity,
                       uplinks: scenario.jobs.map(\.uplinkTolerance).min() ?? .infinity)
      for p in fabric.populations {
        var parts: [(part: Part, count: Int)] = []
        for entry in p.parts {
          guard let part = scenario.catalog[entry.part] else { throw .unknownPart(id: entry.part, role: p.role.rawValue, suggestion: nil) }
          parts.append((part, entry.count))
        }
        let name = "\(p.fru)@\(p.location)"
        let full = model(parts)
        let rules = full.modes.map { wiring.impactRule(role: p.role, location: p.location, part: parts[$0.part].part.id) }
        let split = AggregatedFlaps.split(model: full, parts: parts, rules: rules, population: populations.count, name: name,
                                          count: p.count, fabric: wiring, tolerance: tolerance, cache: sharing)
        aggregatedFlaps += split.aggregated
        let plan = WorkflowPlan(workflow(p.fru, role: p.role))
        // A workflow refined for a mode (`part/mode` or `mode`) replaces the FRU's for that mode.
        let modePlans = scenario.repair.modeWorkflows[p.fru] ?? [:]
        let plans = split.model.modes.map { m -> WorkflowPlan in
          let part = parts[m.part].part, mode = part.modes[m.mode]
          if let w = modePlans["\(part.id)/\(mode.id)"] ?? modePlans[mode.id] { return WorkflowPlan(w) }
          return plan
        }
        populations.append(Population(
          name: name, fru: p.fru, count: p.count, parts: parts, model: split.model, failureRules: rules,
          drainRule: wiring.drainRule(role: p.role, location: p.location), plans: plans,
          origin: p.role == .nic ? .nic : ([.switchBoard, .els, .psu, .fan].contains(p.role) && p.location == "leaf" ? .leafSwitch : .other),
          spareIndex: spareIndex(p.fru), absorbable: p.role == .els ? spec.spareLaserLanes : 0,
          streamKey: SeedSequence.streamKey(name), full: full, workflow: workflow(p.fru, role: p.role),
          fleet: scenario.fleet, horizon: scenario.horizon))
      }
      kind = .fabric(wiring)
      powerWatts = fabric.opticsPowerWatts(catalog: scenario.catalog)
      shared = sharing
    }
    self.populations = populations
    self.spareFRUs = spareFRUs
    self.aggregatedFlaps = aggregatedFlaps
    var causes: [ResolvedCause] = []
    if case let .fabric(f) = kind {
      for cause in scenario.commonCauses {
        let tier = cause.tier.flatMap(FabricLayout.tierIndex)
        let first = tier.map(f.firstSwitch(ofTier:)) ?? 0
        let end = tier.map { $0 + 1 < 3 ? f.firstSwitch(ofTier: $0 + 1) : f.switchCount } ?? f.switchCount
        let size = cause.groupSize > 0 ? cause.groupSize : end - first
        let groups = stride(from: first, to: end, by: size).map { $0..<min($0 + size, end) }
        causes.append(ResolvedCause(cause: cause, groups: groups, origin: tier == 0 ? .leafSwitch : .other,
                                    streamKey: SeedSequence.streamKey("common-cause:\(cause.name)")))
      }
    }
    commonCauses = causes
  }

  private init(populations: [Population], spareFRUs: [String], kind: Kind, aggregatedFlaps: [AggregatedFlaps], powerWatts: Double,
               shared: SharedWiring?, commonCauses: [ResolvedCause]) {
    self.shared = shared
    self.commonCauses = commonCauses
    self.populations = populations
    self.spareFRUs = spareFRUs
    self.kind = kind
    self.aggregatedFlaps = aggregatedFlaps
    self.powerWatts = powerWatts
  }

  /// A copy whose objects are new (the same values): reference counting on objects shared
  /// between threads makes the cores contend for the same cache lines, so each worker gets its own.
  func workerCopy() -> PlantLayout {
    let kind: Kind
    var shared: SharedWiring?
    switch self.kind {
    case let .system(structure): kind = .system(structure.copy())
    case let .fabric(f):
      let wiring = FabricLayout(fabric: f.fabric)
      kind = .fabric(wiring)
      shared = self.shared?.copy(wiring: wiring)
    }
    return PlantLayout(populations: populations.map { $0.copy() }, spareFRUs: spareFRUs, kind: kind,
                       aggregatedFlaps: aggregatedFlaps, powerWatts: powerWatts, shared: shared, commonCauses: commonCauses)
  }

  /// The fabric's wiring, or nil for a plain system.
  var fabric: FabricLayout? { if case let .fabric(f) = kind { f } else { nil } }

  /// The outage unit `u` causes under `rule` (see `FabricLayout.impact(of:unit:using:)`).
  @inline(__always)
  func impact(of rule: ImpactRule, unit u: Int, using source: RandomSource) -> Impact {
    switch rule {
    case .none: .none
    case let .systemUnit(index): .systemUnit(index)
    default: fabric!.impact(of: rule, unit: u, using: source)
    }
  }
}

/// A plain system's structure with units named by their population index, resolved once so the
/// engine does not look names up.
///
/// The blocks are held flat (an array of nodes whose children are index ranges into another
/// array), not as an indirect enum: the structure is evaluated after every failure and repair of
/// a plain system, and walking an indirect enum retains and releases each box it visits.
struct SystemStructure: Sendable {
  struct Node: Sendable {
    enum Kind: UInt8, Sendable {
      /// A unit (`unit`, with `count` copies), or a name that matches no unit (always up).
      case unit, unknown, series, parallel, kOutOfN
    }
    let kind: Kind
    /// The population index (units), or `k` (k-of-n blocks).
    let value: Int
    /// The unit's copies (units).
    let count: Int
    /// The node's children: a range of `SystemStructure.children`.
    let children: Range<Int>
  }

  /// Every block, children before their parent.
  let nodes: [Node]
  /// Child node indices, each block's children consecutive.
  let children: [Int]
  /// The whole structure: the last node.
  var root: Int { nodes.count - 1 }
  /// The k-of-n blocks (node indices), in the order they appear in the structure (depth first):
  /// each one's downtime is reported as `k_of_n_<i>_downtime_hours`.
  let groups: [Int]
  /// The units of a structure that is a unit or a series of units (the usual case), else nil:
  /// it is up when none of their copies is down.
  private let seriesUnits: [Int]?

  init(_ system: SystemSpec) {
    var nodes: [Node] = []
    var children: [Int] = []
    var groups: [(order: Int, node: Int)] = []
    var visit = 0
    @discardableResult
    func resolve(_ topology: Topology) -> Int {
      let order = visit
      visit += 1
      let node: Node
      func block(_ kind: Node.Kind, _ value: Int, _ blocks: [Topology]) -> Node {
        let resolved = blocks.map(resolve)
        let start = children.count
        children.append(contentsOf: resolved)
        return Node(kind: kind, value: value, count: 0, children: start..<children.count)
      }
      switch topology {
      case let .unit(name):
        if let u = system.units.firstIndex(where: { $0.name == name }) {
          node = Node(kind: .unit, value: u, count: system.units[u].count, children: 0..<0)
        } else {
          node = Node(kind: .unknown, value: 0, count: 0, children: 0..<0)
        }
      case let .series(blocks): node = block(.series, 0, blocks)
      case let .parallel(blocks): node = block(.parallel, 0, blocks)
      case let .kOutOfN(k, blocks): node = block(.kOutOfN, k, blocks)
      }
      nodes.append(node)
      if node.kind == .kOutOfN { groups.append((order, nodes.count - 1)) }
      return nodes.count - 1
    }
    resolve(system.structure)
    self.nodes = nodes
    self.children = children
    // Depth-first preorder, as the groups are numbered in reports.
    self.groups = groups.sorted { $0.order < $1.order }.map(\.node)
    let top = nodes[nodes.count - 1]
    switch top.kind {
    case .unit: seriesUnits = [top.value]
    case .series where children[top.children].allSatisfy({ nodes[$0].kind == .unit || nodes[$0].kind == .unknown }):
      seriesUnits = children[top.children].compactMap { nodes[$0].kind == .unit ? nodes[$0].value : nil }
    default: seriesUnits = nil
    }
  }

  private init(nodes: [Node], children: [Int], groups: [Int], seriesUnits: [Int]?) {
    self.nodes = nodes; self.children = children; self.groups = groups; self.seriesUnits = seriesUnits
  }

  /// A copy with buffers of its own (for another worker thread: see `Population.copy()`).
  func copy() -> SystemStructure {
    SystemStructure(nodes: nodes.map { $0 }, children: children.map { $0 }, groups: groups.map { $0 },
                    seriesUnits: seriesUnits?.map { $0 })
  }

  /// Whether k-of-n group `g` is up, given how many copies of each unit are down.
  func isGroupUp(_ g: Int, down: [Int]) -> Bool { isUp(node: groups[g], down: down) }

  /// Whether the structure is up, given how many copies of each unit are down.
  func isUp(down: [Int]) -> Bool {
    if let seriesUnits {
      for u in seriesUnits where down[u] > 0 { return false }
      return true
    }
    return isUp(node: root, down: down)
  }

  private func isUp(node i: Int, down: [Int]) -> Bool {
    let node = nodes[i]
    func upBlocks() -> Int {
      var total = 0
      for c in children[node.children] {
        let child = nodes[c]
        total += child.kind == .unit ? child.count - down[child.value] : (isUp(node: c, down: down) ? 1 : 0)
      }
      return total
    }
    switch node.kind {
    case .unit: return down[node.value] == 0
    case .unknown: return true
    case .series: return children[node.children].allSatisfy { isUp(node: $0, down: down) }
    case .parallel: return upBlocks() >= 1
    case .kOutOfN: return upBlocks() >= node.value
    }
  }
}

/// A fabric's wiring with the results computed from it that do not depend on rates or prices,
/// shared by the layouts of one scenario's trials (thread-safe).
final class SharedWiring: @unchecked Sendable {
  let wiring: FabricLayout
  private let lock = NSLock()
  private var groups: [GroupKey: [AggregatedFlaps.Group]?] = [:]
  private var moments: [MomentKey: (mean: Hours, sd: Hours)] = [:]

  struct GroupKey: Hashable { let rule: ImpactRule; let count: Int }
  struct MomentKey: Hashable { let duration: Distribution; let tolerance: Hours }

  init(wiring: FabricLayout) { self.wiring = wiring }

  /// A cache with the same results around another wiring object of the same fabric.
  func copy(wiring: FabricLayout) -> SharedWiring {
    let copy = SharedWiring(wiring: wiring)
    lock.lock(); defer { lock.unlock() }
    copy.groups = groups
    copy.moments = moments
    return copy
  }

  func linkGroups(rule: ImpactRule, count: Int, compute: () -> [AggregatedFlaps.Group]?) -> [AggregatedFlaps.Group]? {
    let key = GroupKey(rule: rule, count: count)
    lock.lock()
    if let known = groups[key] { lock.unlock(); return known }
    lock.unlock()
    let value = compute()
    lock.lock(); groups[key] = .some(value); lock.unlock()
    return value
  }

  func conditionalMoments(of d: Distribution, atMost tau: Hours, compute: () -> (mean: Hours, sd: Hours)) -> (mean: Hours, sd: Hours) {
    let key = MomentKey(duration: d, tolerance: tau)
    lock.lock()
    if let known = moments[key] { lock.unlock(); return known }
    lock.unlock()
    let value = compute()
    lock.lock(); moments[key] = value; lock.unlock()
    return value
  }
}
