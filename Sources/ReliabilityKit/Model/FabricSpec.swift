/// A compact description of an AI-cluster network, expanded by `FabricBuilder`.
public struct FabricSpec: Sendable, Hashable {
  /// The network's shape; `FabricBuilder` sizes its tiers from the GPU count and the radix.
  public enum TopologyPreset: String, Sendable, Hashable, CaseIterable {
    /// Leaves (ToR) and spines, every leaf connected to every spine.
    case leafSpine = "leaf-spine"
    /// Leaves, spines and super-spines (core): a folded three-tier Clos.
    case threeTierClos = "three-tier-clos"
  }

  /// The optics class of the switch ports (the NICs keep pluggable modules in every class).
  public enum Optics: String, Sendable, Hashable, CaseIterable {
    /// Pluggable transceivers at every switch port and NIC.
    case pluggable
    /// Co-packaged optical engines on the switches, fed by hot-swappable external laser sources
    /// (ELS); NICs keep pluggable modules.
    case cpo
    /// Co-packaged optical engines with lasers inside the package: a laser failure kills the
    /// engine. NICs keep pluggable modules.
    case cpoInternalLaser = "cpo-internal-laser"
    /// Linear pluggable optics at every switch port and NIC: no DSP in the module, the host
    /// SerDes equalises the link (transceiver part `lpo-800g` unless `parts.transceiver` says).
    case lpo
    /// Linear-receive (half-retimed) pluggable optics: a DSP on the transmit path only
    /// (transceiver part `lro-800g` unless `parts.transceiver` says).
    case lro

    /// Whether the switch ports hold pluggable modules (DSP, LPO or LRO).
    public var isPluggable: Bool { self == .pluggable || self == .lpo || self == .lro }

    /// The catalog part a fabric of this class uses as its transceiver when the scenario names none.
    public var defaultTransceiver: String? {
      switch self {
      case .lpo: "lpo-800g"
      case .lro: "lro-800g"
      default: nil
      }
    }
  }

  /// What carries the links between GPU NICs and leaf switches.
  public enum NICLink: String, Sendable, Hashable, CaseIterable {
    /// A pluggable module at each end and a fibre (with CPO, the leaf end is a CPO port).
    case optical
    /// A copper cable (DAC or AEC), one FRU per link, no optics at either end: the leaf's
    /// NIC-facing ports are electrical, so its optical engines and laser sources serve only
    /// its uplinks.
    case copper
  }

  /// Which catalog part plays each role in the fabric.
  public struct Roles: Sendable, Hashable {
    /// The pluggable module at switch ports and NICs.
    public var transceiver = "pluggable-800g"
    /// The fibre of an optical link.
    public var fibre = "fibre-patch-cord"
    /// A pluggable switch's board (ASIC, board, ports).
    public var switchBoard = "switch-board"
    /// A CPO switch's board.
    public var cpoSwitchBoard = "cpo-switch-board"
    /// A co-packaged optical engine (serving `portsPerOpticalEngine` ports).
    public var opticalEngine = "cpo-optical-engine"
    /// An external laser source module (serving `portsPerELS` ports).
    public var els = "els-module"
    /// A laser inside a CPO package (`cpo-internal-laser` optics).
    public var internalLaser = "cpo-internal-laser"
    /// A switch power supply.
    public var psu = "psu"
    /// A switch fan.
    public var fan = "fan"
    /// A GPU node's network card.
    public var nic = "nic"
    /// A copper NIC-leaf cable (`nicLink: .copper`).
    public var copperLink = "copper-dac-800g"
    /// The catalog's default part for every role (the ids above).
    public init() {}
  }

  /// The network's shape.
  public var topology: TopologyPreset
  /// GPUs in the cluster (at most `InputLimits.gpus`).
  public var gpus: Int
  /// GPUs per node, one NIC each; a node is the unit a job gains or loses.
  public var gpusPerNode: Int
  /// Ports per switch.
  public var switchRadix: Int
  /// Port speed in Gb/s.
  public var portSpeedGbps: Int
  /// Leaf downlink-to-uplink ratio (1 = non-blocking).
  public var oversubscription: Double
  /// The optics class of the switch ports.
  public var optics: Optics
  /// Switch ports one co-packaged optical engine serves (CPO).
  public var portsPerOpticalEngine: Int
  /// Switch ports one external laser source module feeds (CPO with ELS).
  public var portsPerELS: Int
  /// Spare laser lanes per ELS: laser failures up to this count are absorbed without dark ports.
  public var spareLaserLanes: Int
  /// Lasers in one pluggable module (8 for 800G DR8 or 2xFR4).
  public var lasersPerModule: Int
  /// Lasers in one ELS module (16 for 8 ports: 2 per port, NVIDIA's "4x fewer lasers" than 8 per module).
  public var lasersPerELS: Int
  /// Power supplies per switch.
  public var psusPerSwitch: Int
  /// Power supplies a switch needs to stay up (the rest are redundant).
  public var psusRequired: Int
  /// Fans per switch.
  public var fansPerSwitch: Int
  /// Fans a switch needs to stay up (the rest are redundant).
  public var fansRequired: Int
  /// Which catalog part plays each role.
  public var roles: Roles
  /// NIC–leaf links: optical or copper.
  public var nicLink: NICLink = .optical
  /// Each node's NICs go to different leaves (one rail per NIC position), so a leaf serves one
  /// NIC of many nodes rather than all NICs of a few.
  public var railOptimized = false
  /// Parallel fabrics: NIC r of every node joins plane r mod `planes`; each plane is a Clos of
  /// its own. Must divide `gpusPerNode`.
  public var planes = 1
  /// Links per NIC, each to a different leaf (2: dual-homed, as Alibaba HPN's dual-ToR).
  public var nicHoming = 1
  /// Extra uplinks per leaf beyond what the oversubscription needs (spare spine capacity): the
  /// first `uplinkOverbuild` uplinks a leaf loses at once cost its jobs nothing.
  public var uplinkOverbuild = 0
  /// Ports per switch left unused when the fabric is wired (port overbuild): links of a CPO
  /// engine left dark can move to them.
  public var sparePorts = 0

  /// A fabric; the defaults are those of a scenario file's `fabric:` section (docs/scenarios.md),
  /// and each parameter is the property of the same name. `roles` nil takes `Roles()` with the
  /// optics' own transceiver class (`lpo-800g`, `lro-800g`) where it has one, as the loader does.
  public init(topology: TopologyPreset, gpus: Int, gpusPerNode: Int = 8, switchRadix: Int = 64, portSpeedGbps: Int = 800,
              oversubscription: Double = 1, optics: Optics, portsPerOpticalEngine: Int = 8, portsPerELS: Int = 8, spareLaserLanes: Int = 0,
              lasersPerModule: Int = 8, lasersPerELS: Int = 16, psusPerSwitch: Int = 2, psusRequired: Int = 1, fansPerSwitch: Int = 6,
              fansRequired: Int = 5, roles: Roles? = nil, nicLink: NICLink = .optical, railOptimized: Bool = false, planes: Int = 1,
              nicHoming: Int = 1, uplinkOverbuild: Int = 0, sparePorts: Int = 0) {
    let roles = roles ?? {
      var defaults = Roles()
      if let module = optics.defaultTransceiver { defaults.transceiver = module }
      return defaults
    }()
    self.topology = topology
    self.gpus = gpus
    self.gpusPerNode = gpusPerNode
    self.switchRadix = switchRadix
    self.portSpeedGbps = portSpeedGbps
    self.oversubscription = oversubscription
    self.optics = optics
    self.portsPerOpticalEngine = portsPerOpticalEngine
    self.portsPerELS = portsPerELS
    self.spareLaserLanes = spareLaserLanes
    self.lasersPerModule = lasersPerModule
    self.lasersPerELS = lasersPerELS
    self.psusPerSwitch = psusPerSwitch
    self.psusRequired = psusRequired
    self.fansPerSwitch = fansPerSwitch
    self.fansRequired = fansRequired
    self.roles = roles
    self.nicLink = nicLink
    self.railOptimized = railOptimized
    self.planes = planes
    self.nicHoming = nicHoming
    self.uplinkOverbuild = uplinkOverbuild
    self.sparePorts = sparePorts
  }

  /// Nodes (servers) of the fabric: GPUs in groups of `gpusPerNode`.
  public var nodes: Int { (gpus + gpusPerNode - 1) / gpusPerNode }
}
