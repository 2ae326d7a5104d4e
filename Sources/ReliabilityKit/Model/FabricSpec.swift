/// A compact description of an AI-cluster network, expanded by `FabricBuilder`.
public struct FabricSpec: Sendable, Hashable {
  public enum TopologyPreset: String, Sendable, Hashable, CaseIterable {
    /// Leaves (ToR) and spines, every leaf connected to every spine.
    case leafSpine = "leaf-spine"
    /// Leaves, spines and super-spines (core): a folded three-tier Clos.
    case threeTierClos = "three-tier-clos"
  }

  public enum Optics: String, Sendable, Hashable, CaseIterable {
    /// Pluggable transceivers at every switch port and NIC.
    case pluggable
    /// Co-packaged optical engines on the switches, fed by hot-swappable external laser sources
    /// (ELS); NICs keep pluggable modules.
    case cpo
    /// Co-packaged optical engines with lasers inside the package: a laser failure kills the
    /// engine. NICs keep pluggable modules.
    case cpoInternalLaser = "cpo-internal-laser"
  }

  /// Which catalog part plays each role in the fabric.
  public struct Roles: Sendable, Hashable {
    public var transceiver = "pluggable-800g"
    public var fibre = "fibre-patch-cord"
    public var switchBoard = "switch-board"
    public var cpoSwitchBoard = "cpo-switch-board"
    public var opticalEngine = "cpo-optical-engine"
    public var els = "els-module"
    public var internalLaser = "cpo-internal-laser"
    public var psu = "psu"
    public var fan = "fan"
    public var nic = "nic"
    public init() {}
  }

  public var topology: TopologyPreset
  public var gpus: Int
  public var gpusPerNode: Int
  /// Ports per switch.
  public var switchRadix: Int
  /// Port speed in Gb/s.
  public var portSpeedGbps: Int
  /// Leaf downlink-to-uplink ratio (1 = non-blocking).
  public var oversubscription: Double
  public var optics: Optics
  public var portsPerOpticalEngine: Int
  public var portsPerELS: Int
  /// Spare laser lanes per ELS: laser failures up to this count are absorbed without dark ports.
  public var spareLaserLanes: Int
  /// Lasers in one pluggable module (8 for 800G DR8 or 2xFR4).
  public var lasersPerModule: Int
  /// Lasers in one ELS module (16 for 8 ports: 2 per port, NVIDIA's "4x fewer lasers" than 8 per module).
  public var lasersPerELS: Int
  public var psusPerSwitch: Int
  public var psusRequired: Int
  public var fansPerSwitch: Int
  public var fansRequired: Int
  public var roles: Roles
}
