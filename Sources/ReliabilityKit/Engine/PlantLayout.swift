import Foundation

/// Everything a trial needs that does not change between trials: the FRU populations with
/// their failure models and workflows, and how a unit maps onto links, switches or the system
/// structure. Built once per scenario and shared (read-only) by all trials.
struct PlantLayout: Sendable {
  /// A class, not a struct: the engine reads populations on every event, and copying a struct
  /// of arrays costs a retain and release per array (the largest cost in the profile).
  final class Population: Sendable {
    /// `fru@location`, also the name of the population's random stream.
    let name: String
    let fru: String
    let role: Fabric.Population.Role?
    let location: String
    let count: Int
    /// The parts inside one FRU, with their counts.
    let parts: [(part: Part, count: Int)]
    let model: FailureModel
    let workflow: Workflow
    /// Index of the FRU's spare stock in `PlantLayout.spareFRUs`.
    let spareIndex: Int
    /// Failures a unit absorbs before it goes down (spare laser lanes of an ELS).
    let absorbable: Int
    /// The stream key of the population's failure draws (common random numbers).
    let streamKey: UInt64
    /// Fabric tier of the population's switches (0 leaf, 1 spine, 2 core; 0 elsewhere).
    let tier: Int
    /// For a switch-board population, what each mode of `model` takes down.
    let targets: [BoardTarget]
    /// Per mode of `model`: the flap duration of a flap mode (nil for a hard failure), and the
    /// fix. Read on every failure; held here so the event loop does not copy `Part` values.
    let flapDurations: [Distribution?]
    let fixes: [FailureMode.Fix]

    init(name: String, fru: String, role: Fabric.Population.Role?, location: String, count: Int,
         parts: [(part: Part, count: Int)], model: FailureModel, workflow: Workflow, spareIndex: Int,
         absorbable: Int, streamKey: UInt64, targets: [BoardTarget] = []) {
      self.name = name
      self.fru = fru
      self.role = role
      self.location = location
      self.count = count
      self.parts = parts
      self.model = model
      self.workflow = workflow
      self.spareIndex = spareIndex
      self.absorbable = absorbable
      self.streamKey = streamKey
      self.tier = FabricLayout.tierIndex(location) ?? 0
      self.targets = targets
      flapDurations = model.modes.map { m in
        if case let .flap(duration) = parts[m.part].part.modes[m.mode].effect { duration } else { nil }
      }
      fixes = model.modes.map { parts[$0.part].part.modes[$0.mode].fix }
    }

    /// The failure mode behind `model.modes[index]`.
    func mode(_ index: Int) -> (part: Part, mode: FailureMode) {
      let m = model.modes[index]
      let part = parts[m.part].part
      return (part, part.modes[m.mode])
    }
  }

  /// What a failure of a switch board's mode takes down: the whole switch (the board's own
  /// parts), one optical engine's ports, or the engine of one of its internal lasers.
  enum BoardTarget: Sendable { case wholeSwitch, engine, laser }

  enum Kind: Sendable {
    case system(SystemSpec, unitOfPopulation: [Int])
    case fabric(FabricLayout)
  }

  let populations: [Population]
  let spareFRUs: [String]
  let kind: Kind
  /// Flaps counted rather than simulated, per population and mode.
  let aggregatedFlaps: [AggregatedFlaps]

  init(scenario: Scenario) throws(ModelError) {
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
      var unitOfPopulation: [Int] = []
      for (u, unit) in system.units.enumerated() {
        guard let part = scenario.catalog[unit.part] else { throw .unknownPart(id: unit.part, role: "system unit", suggestion: nil) }
        let parts = [(part: part, count: 1)]
        populations.append(Population(
          name: unit.name, fru: part.fru, role: nil, location: unit.name, count: unit.count, parts: parts,
          model: model(parts), workflow: workflow(part.fru, role: nil), spareIndex: spareIndex(part.fru),
          absorbable: 0, streamKey: SeedSequence.streamKey("\(part.fru)@\(unit.name)")))
        unitOfPopulation.append(u)
      }
      kind = .system(system, unitOfPopulation: unitOfPopulation)
    case let .fabric(spec):
      let fabric = try FabricBuilder.build(spec, catalog: scenario.catalog)
      let wiring = FabricLayout(fabric: fabric, catalog: scenario.catalog)
      // Flaps shorter than every job's tolerance are counted, not simulated (AggregatedFlaps).
      let tolerance = scenario.jobs.map(\.flapTolerance).min() ?? .infinity
      for p in fabric.populations {
        let parts = p.parts.map { (part: scenario.catalog[$0.part]!, count: $0.count) }
        let name = "\(p.fru)@\(p.location)"
        let split = AggregatedFlaps.split(
          model: model(parts), parts: parts, population: populations.count, name: name, count: p.count,
          role: p.role, location: p.location, fabric: wiring, tolerance: tolerance)
        aggregatedFlaps += split.aggregated
        populations.append(Population(
          name: name, fru: p.fru, role: p.role, location: p.location, count: p.count, parts: parts,
          model: split.model, workflow: workflow(p.fru, role: p.role), spareIndex: spareIndex(p.fru),
          absorbable: p.role == .els ? spec.spareLaserLanes : 0,
          streamKey: SeedSequence.streamKey(name),
          targets: split.model.modes.map { mode in
            wiring.boardTarget(ofPart: parts[mode.part].part.id)
          }))
      }
      kind = .fabric(wiring)
    }
    self.populations = populations
    self.spareFRUs = spareFRUs
    self.aggregatedFlaps = aggregatedFlaps
  }
}

/// The wiring of a built fabric: which links a switch, port, module or laser source carries.
///
/// Links are numbered in groups: NIC–leaf links 0..<G (link i serves GPU i), then leaf–spine
/// links (link j leaves leaf j / u), then spine–core links. Leaf l's ports are its NIC links
/// followed by its uplinks. In a three-tier Clos, leaf–spine link j reaches spine
/// pod·u + (j mod u) of its pod, and spine–core link j mirrors leaf–spine link j on the same
/// spine and reaches core j mod C; in a leaf-spine, leaf–spine link j reaches spine j mod S.
/// A class, so that the engine's many reads of it do not copy its strings and sets.
final class FabricLayout: Sendable {
  let gpus: Int
  let gpusPerNode: Int
  let radix: Int
  let down: Int
  let up: Int
  let leaves: Int
  let spines: Int
  let cores: Int
  let threeTier: Bool
  let leafSpineLinks: Int
  let portsPerEngine: Int
  let portsPerELS: Int
  let lasersPerPort: Double
  let psusPerSwitch: Int
  let psusRequired: Int
  let fansPerSwitch: Int
  let fansRequired: Int
  /// Part ids by role, to tell a board's own failure from an engine or laser failure.
  let boardParts: Set<String>
  let laserPart: String

  init(fabric: Fabric, catalog: PartCatalog) {
    let spec = fabric.spec
    gpus = spec.gpus
    gpusPerNode = spec.gpusPerNode
    radix = spec.switchRadix
    down = fabric.tiers[0].downlinksPerSwitch
    up = fabric.tiers[0].uplinksPerSwitch
    leaves = fabric.tiers[0].switches
    spines = fabric.tiers[1].switches
    cores = fabric.tiers.count > 2 ? fabric.tiers[2].switches : 0
    threeTier = fabric.tiers.count > 2
    leafSpineLinks = fabric.links[1].count
    portsPerEngine = spec.portsPerOpticalEngine
    portsPerELS = spec.portsPerELS
    lasersPerPort = Double(spec.lasersPerELS) / Double(spec.portsPerELS)
    psusPerSwitch = spec.psusPerSwitch
    psusRequired = spec.psusRequired
    fansPerSwitch = spec.fansPerSwitch
    fansRequired = spec.fansRequired
    boardParts = [spec.roles.switchBoard, spec.roles.cpoSwitchBoard]
    laserPart = spec.roles.internalLaser
    let counts = [leaves, spines, cores]
    portLinks = (0..<3).map { [gpus, down, up, radix, leaves, spines, cores, leafSpineLinks, threeTier] tier in
      (0..<counts[tier]).map {
        Self.computeLinks(ofSwitch: $0, tier: tier, gpus: gpus, down: down, up: up, radix: radix, leaves: leaves,
                          spines: spines, cores: cores, leafSpineLinks: leafSpineLinks, threeTier: threeTier)
      }
    }
  }

  var linkCount: Int { gpus + leafSpineLinks * (threeTier ? 2 : 1) }
  var leafSpineOffset: Int { gpus }
  var spineCoreOffset: Int { gpus + leafSpineLinks }

  /// Optical engines on a CPO switch board, and lasers inside it (`cpo-internal-laser`).
  var enginesPerSwitch: Int { (radix + portsPerEngine - 1) / portsPerEngine }
  var lasersPerSwitch: Int { Int((Double(radix) * lasersPerPort).rounded(.up)) }

  /// The engine that internal laser `l` of a board belongs to.
  func engine(ofLaser l: Int) -> Int { min(Int(Double(l) / lasersPerPort) / portsPerEngine, enginesPerSwitch - 1) }

  /// The links on the ports of engine `e` of switch `s`.
  func links(ofEngine e: Int, switch s: Int, tier: Int) -> ArraySlice<Int> {
    links(ofSwitch: s, tier: tier).dropFirst(e * portsPerEngine).prefix(portsPerEngine)
  }

  /// What a failure of catalog part `id` on a switch board takes down.
  func boardTarget(ofPart id: String) -> PlantLayout.BoardTarget {
    boardParts.contains(id) ? .wholeSwitch : id == laserPart ? .laser : .engine
  }

  static func tierIndex(_ name: String) -> Int? {
    switch name {
    case "leaf": 0
    case "spine": 1
    case "core": 2
    default: nil
    }
  }

  /// The links on the ports of each switch, by tier, computed once: drains read them often.
  private let portLinks: [[[Int]]]

  /// The links on the ports of a switch, in port order.
  @inline(__always)
  func links(ofSwitch s: Int, tier: Int) -> [Int] { portLinks[tier][s] }

  private static func computeLinks(
    ofSwitch s: Int, tier: Int, gpus: Int, down: Int, up: Int, radix: Int, leaves: Int, spines: Int, cores: Int,
    leafSpineLinks: Int, threeTier: Bool
  ) -> [Int] {
    let leafSpineOffset = gpus, spineCoreOffset = gpus + leafSpineLinks
    switch tier {
    case 0:
      let nic = Array((s * down)..<min((s + 1) * down, gpus))
      return nic + (0..<up).map { leafSpineOffset + s * up + $0 }
    case 1:
      var downlinks: [Int] = []
      if threeTier {
        let pod = s / up, k = s % up, perPod = radix / 2
        for leaf in (pod * perPod)..<min((pod + 1) * perPod, leaves) { downlinks.append(leaf * up + k) }
      } else {
        downlinks = Array(stride(from: s, to: leafSpineLinks, by: spines))
      }
      let result = downlinks.map { leafSpineOffset + $0 }
      return threeTier ? result + downlinks.map { spineCoreOffset + $0 } : result
    default:
      return stride(from: s, to: leafSpineLinks, by: cores).map { spineCoreOffset + $0 }
    }
  }

  /// The link of unit `index` of a link-level population (transceiver, fibre, NIC).
  func link(ofUnit index: Int, role: Fabric.Population.Role, location: String) -> Int {
    switch (role, location) {
    case (.transceiver, "leaf"): return index < gpus ? index : leafSpineOffset + (index - gpus)
    case (.transceiver, "spine"): return index < leafSpineLinks ? leafSpineOffset + index : spineCoreOffset + (index - leafSpineLinks)
    case (.transceiver, "core"): return spineCoreOffset + index
    case (.fibre, "leaf-spine"): return leafSpineOffset + index
    case (.fibre, "spine-core"): return spineCoreOffset + index
    default: return index  // NIC-side transceivers, NICs and NIC–leaf fibres
    }
  }

  /// How a job placed on GPUs 0..<jobGPUs depends on `link`.
  func dependency(of link: Int, jobGPUs: Int) -> JobDependency {
    if link < gpus { return link < jobGPUs ? .direct : .none }
    let jobLeaves = (jobGPUs + down - 1) / down
    guard jobLeaves > 1 else { return .none }
    if link < spineCoreOffset {
      return (link - leafSpineOffset) / up < jobLeaves ? .uplink : .none
    }
    let jobPods = (jobLeaves + radix / 2 - 1) / (radix / 2)
    return jobPods > 1 ? .uplink : .none
  }

  enum JobDependency { case direct, uplink, none }
}
