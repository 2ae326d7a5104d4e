/// A catalog entry: something that can fail, with its power, price and source.
public struct Part: Sendable, Hashable {
  /// Catalog id, kebab-case (`pluggable-800g`).
  public var id: String
  /// What the part is, in words.
  public var description: String
  /// The field-replaceable unit this part belongs to; replacing the FRU renews the part.
  public var fru: String
  /// Electrical power of one unit, in watts.
  public var powerWatts: Double
  /// Price of one spare, in US dollars.
  public var unitCostUSD: Double
  /// Warranty period from installation (or renewal), in hours; nil: no warranty. A unit replaced
  /// inside it goes back to the vendor for logistics only (an RMA); outside it costs a spare or a rework.
  public var warranty: Hours? = nil
  /// Price of reworking one unit of the FRU outside its warranty (`rma-rework`), in US dollars.
  public var reworkCostUSD: Double? = nil
  /// Cost of one RMA shipment of the FRU (to the vendor and back), in US dollars.
  public var rmaLogisticsUSD: Double = 0
  /// Power of the host SerDes lanes that drive one unit of this part (the switch or NIC ASIC's
  /// electrical interface to a module, an optical engine or a copper cable), in watts. Counted in
  /// the SerDes energy cost line, apart from the optics' own `powerWatts`.
  public var hostSerDesWatts: Double = 0
  /// Vendor support contract per unit of the FRU per year, in US dollars (the support cost line).
  public var supportUSDPerYear: Double = 0
  /// A key of FailureData/SOURCES.md, or `estimate`.
  public var source: String
  /// A remark on the part's numbers (how they were derived), or nil.
  public var note: String?
  /// Competing failure modes: each unit has all of them at once, and the first to occur wins.
  public var modes: [FailureMode]
  /// Lemons: units in a hidden marginal state that flap and fail more often until cleaned or
  /// replaced (nil: none).
  public var lemon: Lemon? = nil
  /// A bad lot: a share of the units fail more often (nil: none).
  public var badLot: BadLot? = nil

  /// A part with the fields a catalog entry must give; warranty, rework, RMA, SerDes and
  /// support prices default to none, and no lemons or bad lot.
  public init(id: String, description: String, fru: String, powerWatts: Double, unitCostUSD: Double,
              source: String, note: String? = nil, modes: [FailureMode]) {
    self.id = id
    self.description = description
    self.fru = fru
    self.powerWatts = powerWatts
    self.unitCostUSD = unitCostUSD
    self.source = source
    self.note = note
    self.modes = modes
  }
}

/// One way a part fails: when (a time-to-failure distribution), what it does, and what fixes it.
public struct FailureMode: Sendable, Hashable {
  /// What a failure does to the service.
  public enum Effect: Sendable, Hashable {
    /// Down until repaired.
    case hard
    /// A short outage that clears by itself after a time drawn from `duration`.
    case flap(duration: Distribution)
  }

  /// What a technician does to fix it.
  public enum Fix: String, Sendable, Hashable, CaseIterable {
    /// Replace the FRU with a spare.
    case replace
    /// Clean the connector end faces; no spare used.
    case clean
    /// Pull and reinsert the module; no spare used.
    case reseat
    /// Nothing: the failure clears by itself (flaps).
    case none
  }

  /// The mode's id within its part (`laser-wearout`).
  public var id: String
  /// Time to failure from installation or renewal, in hours.
  public var distribution: Distribution
  /// What a failure does to the service: down until repaired, or a flap.
  public var effect: Effect
  /// What a technician does to fix it.
  public var fix: Fix
  /// A key of FailureData/SOURCES.md, or `estimate`.
  public var source: String
  /// A remark on the mode's numbers, or nil.
  public var note: String?
  /// A detectable degradation (pre-FEC errors rising) that precedes some hard failures.
  public var precursor: Precursor? = nil

  /// A mode without a precursor.
  public init(id: String, distribution: Distribution, effect: Effect, fix: Fix, source: String, note: String? = nil) {
    self.id = id
    self.distribution = distribution
    self.effect = effect
    self.fix = fix
    self.source = source
    self.note = note
  }
}

/// The parts a scenario can use, keyed by id, in catalog order.
public struct PartCatalog: Sendable, Hashable {
  /// The parts, in catalog order.
  public private(set) var parts: [Part]

  /// A catalog of `parts`, in this order (give each a distinct id: a lookup finds the first).
  public init(parts: [Part]) {
    self.parts = parts
  }

  /// The part with catalog id `id`, or nil.
  public subscript(id: String) -> Part? { parts.first { $0.id == id } }

  /// The parts' ids, in catalog order.
  public var ids: [String] { parts.map(\.id) }

  /// The part that carries FRU `fru`'s price, warranty and rework price: the first of `used` (the
  /// parts a plant holds, in the order the fabric puts them in) that belongs to the FRU.
  public func fruPart(_ fru: String, among used: [String]) -> Part? {
    used.lazy.compactMap { self[$0] }.first { $0.fru == fru }
  }
}

/// Units in a hidden marginal state ("lemon links"): each installed unit is one with
/// `probability` (also each replacement); a lemon's flap modes run `flapMultiplier` times as
/// often and its hard modes `failureMultiplier` times, until the unit is cleaned or replaced.
public struct Lemon: Sendable, Hashable {
  /// The probability that a unit (installed or replacement) is a lemon.
  public var probability: Double
  /// How many times as often a lemon's flap modes occur.
  public var flapMultiplier: Double
  /// How many times as often a lemon's hard modes occur.
  public var failureMultiplier: Double
}

/// A bad lot: a share `fraction` of the population's units (drawn per trial when uncertain)
/// whose hard modes run `multiplier` times as often. Replacements come from good lots.
public struct BadLot: Sendable, Hashable {
  /// The share of the units from the bad lot (0 to 1).
  public var fraction: Double
  /// How many times as often their hard modes occur.
  public var multiplier: Double
}

/// A degradation that precedes a hard failure: with `probability` it shows `leadTime` before
/// the failure (pre-FEC bit errors rising), and a monitored FRU is swapped as planned work.
public struct Precursor: Sendable, Hashable {
  /// The probability that a hard failure shows a precursor.
  public var probability: Double
  /// How long before the failure the precursor shows, in hours.
  public var leadTime: Distribution
}
