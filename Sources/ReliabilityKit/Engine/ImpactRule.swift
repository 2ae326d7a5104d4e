/// What a failure (or a drain) of a unit of one population takes out of service, resolved once
/// when the plant layout is built. The engine executes rules (`FabricLayout.impact(of:unit:using:)`)
/// and never looks at a part's role or location.
enum ImpactRule: Sendable, Hashable {
  /// Nothing (a drain of a hot-swapped redundant unit, or a plain system's planned swap).
  case none
  /// A unit of a plain system (the population's index).
  case systemUnit(Int)
  /// One link per unit: unit u darkens link `offset + u` (transceivers, fibres, cables, NICs).
  case link(offset: Int)
  /// Several links per unit: unit u darkens links u, u + stride, ... (`count` of them: the
  /// links of a dual-homed NIC).
  case linkSet(stride: Int, count: Int)
  /// A group of consecutive ports of a switch: unit u feeds group u mod g of switch
  /// `firstSwitch + u / g` (external laser sources).
  case portGroup(firstSwitch: Int, groupsPerSwitch: Int, portsPerGroup: Int)
  /// The whole switch `firstSwitch + u` (a switch board's own failure, or its replacement).
  case wholeSwitch(firstSwitch: Int)
  /// One of the `engines` optical engines of switch `firstSwitch + u`, drawn uniformly (its
  /// ports go dark).
  case randomEngine(firstSwitch: Int, engines: Int)
  /// The engine of one of the switch's `lasers` internal lasers, the laser drawn uniformly.
  case randomLaserEngine(firstSwitch: Int, lasers: Int, engines: Int)
  /// One unit of a redundant set of switch `firstSwitch + u / perSwitch`: the switch goes down
  /// when fewer than the required units are left.
  case redundancy(firstSwitch: Int, perSwitch: Int, group: RedundancyGroup)
}

/// The redundant sets inside a switch.
extension ImpactRule {
  /// Whether executing the rule draws a random number (a random engine or laser source).
  var draws: Bool {
    switch self {
    case .randomEngine, .randomLaserEngine: true
    default: false
    }
  }
}

enum RedundancyGroup: Int, Sendable, Hashable {
  case psu = 0, fan = 1
}

/// One outage: a value, without arrays, so events and tickets can hold it without allocating.
enum Impact: Sendable, Equatable {
  case none
  /// A plain-system unit.
  case systemUnit(Int)
  case link(Int)
  /// Links `first`, `first + stride`, ... (`count` of them).
  case linkSet(first: Int, stride: Int, count: Int)
  /// Ports `range` (positions in the switch's port list) of switch `switch`.
  case ports(switch: Int, range: Range<Int>)
  /// A whole switch: all its links, and the switch itself.
  case switchDown(Int)
  /// One unit of a redundant set of a switch.
  case redundancy(switch: Int, group: RedundancyGroup)

  /// The first link of an outage of links or ports (the one a technician handles), nil for others.
  func firstLink(in fabric: FabricLayout) -> Int? {
    switch self {
    case let .link(l): l
    case let .linkSet(first, _, _): first
    case let .ports(s, range): range.isEmpty ? nil : fabric.links(ofSwitch: s)[range.lowerBound]
    default: nil
    }
  }

  /// Whether the outage takes nothing down.
  var isEmpty: Bool {
    switch self {
    case .none: true
    case let .ports(_, range): range.isEmpty
    default: false
    }
  }
}
