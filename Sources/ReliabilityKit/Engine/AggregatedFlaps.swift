import Foundation

/// Link flaps too short for any job to notice, counted instead of simulated one by one.
///
/// A pluggable fabric flaps about a million times a trial at 16k GPUs (2 flaps per module-year),
/// and almost every flap lasts seconds: shorter than every job's `flap_tolerance`, so it
/// interrupts nothing and changes only the flap count, the monthly failure series and link
/// downtime. For an exponential flap mode the flaps of a unit are a Poisson process; marking
/// each flap by its duration D splits it exactly into two independent Poisson processes:
/// - flaps with D > τ (τ the smallest tolerance of any job) at rate λ·P(D > τ), which the
///   engine still simulates event by event (they can interrupt jobs);
/// - flaps with D ≤ τ at rate λ·P(D ≤ τ), aggregated here: a Poisson count per month of the
///   population's unit-hours, split over the links they darken, and their summed duration.
///
/// Two approximations, both far below the Monte Carlo error: a unit is exposed to flaps for the
/// whole horizon (the simulated engine stops a failed unit's flaps until its repair: a fraction
/// of time of the order of its unavailability, about 1e-4), and a flap of a link that is
/// already down counts its downtime again. The summed duration of more than
/// `exactDrawLimit` flaps is drawn from its normal approximation (central limit theorem) with
/// the exact conditional mean and variance of D given D ≤ τ.
///
/// Only modes whose impact is a fixed set of links are aggregated: flaps of transceivers,
/// fibres and NICs (one link) and of optical engines (the engine's ports). Plain systems and
/// non-exponential flap modes are always simulated.
struct AggregatedFlaps: Sendable {
  /// Links darkened by one flap of this kind, how many of them are NIC links, and the share of
  /// the population's flaps that are of this kind.
  struct Group: Sendable, Equatable {
    let links: Int
    let nicLinks: Int
    let weight: Double
  }

  let population: Int
  /// Index of the mode in the population's `FailureModel`.
  let mode: Int
  let units: Int
  /// Rate of aggregated flaps per unit-hour: λ·m·P(D ≤ τ).
  let rate: Double
  let duration: Distribution
  let tolerance: Hours
  /// Mean and standard deviation of D given D ≤ τ.
  let conditionalMean: Hours
  let conditionalSD: Hours
  let groups: [Group]
  let streamKey: UInt64

  /// Above this many flaps in a group, their summed duration comes from the normal
  /// approximation; at or below it, every duration is drawn.
  static let exactDrawLimit = 64

  /// What one trial adds up.
  struct Draw {
    var flaps = 0
    var monthly: [Int] = []
    var linkDownHours: Hours = 0
    var nicLinkDownHours: Hours = 0
  }

  /// Draws the aggregated flaps of one trial from `source`.
  /// - Parameter excluded: units whose flaps are simulated instead (lemons).
  func draw(horizon: Hours, months: Int, hoursPerMonth: Hours, excluding excluded: Int = 0, using source: RandomSource) -> Draw {
    var result = Draw(monthly: [Int](repeating: 0, count: months))
    for m in 0..<months {
      let hours = max(0, min(hoursPerMonth, horizon - Double(m) * hoursPerMonth))
      let n = source.poisson(mean: rate * Double(units - excluded) * hours)
      result.monthly[m] = n
      result.flaps += n
    }
    var remaining = result.flaps
    var remainingWeight = groups.reduce(0) { $0 + $1.weight }
    for (g, group) in groups.enumerated() {
      let n: Int
      if g == groups.count - 1 {
        n = remaining
      } else {
        n = source.binomial(trials: remaining, probability: min(1, max(0, group.weight / remainingWeight)))
      }
      remaining -= n
      remainingWeight -= group.weight
      let hours = summedDuration(of: n, using: source)
      result.linkDownHours += hours * Double(group.links)
      result.nicLinkDownHours += hours * Double(group.nicLinks)
    }
    return result
  }

  private func summedDuration(of n: Int, using source: RandomSource) -> Hours {
    guard n > 0 else { return 0 }
    if n <= Self.exactDrawLimit {
      var total: Hours = 0
      for _ in 0..<n { total += (try? duration.sample(truncatedTo: 0...tolerance, using: source)) ?? conditionalMean }
      return total
    }
    let count = Double(n)
    return max(0, count * conditionalMean + count.squareRoot() * conditionalSD * source.standardNormal())
  }

  /// Mean and standard deviation of D given D ≤ τ: from the distribution when τ is infinite,
  /// otherwise by the midpoint rule over the quantile function on (0, P(D ≤ τ)).
  static func conditionalMoments(of d: Distribution, atMost tau: Hours) -> (mean: Hours, sd: Hours) {
    if tau == .infinity { return (d.mean, d.variance.squareRoot()) }
    let q = d.cdf(tau)
    guard q > 0 else { return (0, 0) }
    let points = 16_384
    var sum = 0.0, sumSquares = 0.0
    for k in 0..<points {
      let x = min(d.quantile((Double(k) + 0.5) / Double(points) * q), tau)
      sum += x
      sumSquares += x * x
    }
    let mean = sum / Double(points)
    return (mean, max(0, sumSquares / Double(points) - mean * mean).squareRoot())
  }

  /// The aggregated part of each flap mode of the fabric's populations, and the models with
  /// those flaps thinned out (a mode left with nothing to simulate is marked `never`).
  /// - Parameters:
  ///   - rules: what each mode of `model` takes down (the flaps of a mode are aggregated only
  ///     when its rule darkens a fixed set of links).
  ///   - tolerance: the smallest flap tolerance of the scenario's jobs for NIC links and for
  ///     links above the leaves (infinite when there are no jobs). A mode whose flaps darken
  ///     links of both classes is split at the smaller.
  static func split(
    model: FailureModel, parts: [(part: Part, count: Int)], rules: [ImpactRule], population p: Int, name: String, count: Int,
    fabric f: FabricLayout, tolerance classes: (nicLinks: Hours, uplinks: Hours), cache: SharedWiring? = nil
  ) -> (model: FailureModel, aggregated: [AggregatedFlaps]) {
    var modes = model.modes
    var aggregated: [AggregatedFlaps] = []
    for (i, mode) in model.modes.enumerated() {
      let part = parts[mode.part].part
      guard case let .flap(duration) = part.modes[mode.mode].effect, case let .exponential(e) = mode.distribution else { continue }
      let rule = rules[i]
      let found: [Group]?
      if let cache {
        found = cache.linkGroups(rule: rule, count: count) { linkGroups(rule: rule, count: count, fabric: f) }
      } else {
        found = linkGroups(rule: rule, count: count, fabric: f)
      }
      guard let groups = found else { continue }
      var tolerance = Hours.infinity
      if groups.contains(where: { $0.nicLinks > 0 }) { tolerance = min(tolerance, classes.nicLinks) }
      if groups.contains(where: { $0.links > $0.nicLinks }) { tolerance = min(tolerance, classes.uplinks) }
      let q = tolerance == .infinity ? 1 : min(1, max(0, duration.cdf(tolerance)))
      guard q > 0 else { continue }
      let rate = e.rate * Double(mode.multiplicity)
      let moments: (mean: Hours, sd: Hours)
      if let cache {
        moments = cache.conditionalMoments(of: duration, atMost: tolerance) { conditionalMoments(of: duration, atMost: tolerance) }
      } else {
        moments = conditionalMoments(of: duration, atMost: tolerance)
      }
      aggregated.append(AggregatedFlaps(
        population: p, mode: i, units: count, rate: rate * q, duration: duration, tolerance: tolerance,
        conditionalMean: moments.mean, conditionalSD: moments.sd, groups: groups,
        streamKey: SeedSequence.streamKey("flaps:\(name)/\(part.id)/\(part.modes[mode.mode].id)")))
      let rest = e.rate * (1 - q)
      if rest > 0, let thinned = try? Exponential(rate: rest) {
        modes[i] = .init(part: mode.part, mode: mode.mode, distribution: .exponential(thinned), multiplicity: mode.multiplicity,
                         flapsLongerThan: tolerance)
      } else {
        modes[i].never = true
      }
    }
    return (FailureModel(modes: modes), aggregated)
  }

  /// The links one flap of a unit darkens, grouped by (links, NIC links) with the share of
  /// flaps of each group; nil when flaps under `rule` are not a fixed set of links.
  ///
  /// Counted per switch shape, not per unit: a unit's possible outages depend only on its
  /// link's class (`.link`, `.linkSet`) or on its switch's port counts (the other rules), so runs
  /// of units alike add the same probabilities. The sums are the ones a unit-by-unit walk would
  /// make, addition for addition (`WeightSums`): the weights are bit for bit those of the walk
  /// (kept in the tests as the reference, `LayoutReferenceTests`).
  static func linkGroups(rule: ImpactRule, count: Int, fabric f: FabricLayout) -> [Group]? {
    guard count > 0 else { return nil }
    var sums = WeightSums()
    switch rule {
    case let .link(offset):
      // Unit u darkens link offset + u: a NIC link while offset + u < nicLinks.
      let nic = min(max(f.nicLinks - offset, 0), count)
      sums.add(Key(links: 1, nicLinks: 1), [1], times: nic)
      sums.add(Key(links: 1, nicLinks: 0), [1], times: count - nic)
    case let .linkSet(stride, links):
      // Unit u darkens links u + j·stride (j < links); link j is a NIC link while u < nicLinks − j·stride,
      // so the units with at least m NIC links are the first min(max(nicLinks − (m−1)·stride, 0), count).
      func atLeast(_ m: Int) -> Int { m == 0 ? count : (m > links ? 0 : min(max(f.nicLinks - (m - 1) * stride, 0), count)) }
      guard stride > 0 else { return linkGroupsByUnit(rule: rule, count: count, fabric: f) }
      for m in 0...links { sums.add(Key(links: links, nicLinks: m), [1], times: atLeast(m) - atLeast(m + 1)) }
    case let .portGroup(first, groups, ports):
      // Unit u feeds group u mod g of switch first + u / g, with probability 1.
      let full = count / groups, rest = count % groups
      func template(_ shape: FabricLayout.PortShape, groups: Int) -> [(Key, Double)] {
        (0..<groups).map { (Key(shape.counts(from: $0 * ports, count: ports)), 1) }
      }
      f.forEachShapeRun(ofSwitches: first..<(first + full)) { shape, switches in
        sums.addRun(template: template(shape, groups: groups), times: switches)
      }
      if rest > 0 { sums.addRun(template: template(f.portShape(ofSwitch: first + full), groups: rest), times: 1) }
    case let .randomEngine(first, engines):
      // Unit u: one of the engines of switch first + u, each with probability 1/engines.
      let p = 1 / Double(engines), ports = f.portsPerEngine
      f.forEachShapeRun(ofSwitches: first..<(first + count)) { shape, switches in
        sums.addRun(template: (0..<engines).map { (Key(shape.counts(from: $0 * ports, count: ports)), p) }, times: switches)
      }
    case let .randomLaserEngine(first, lasers, engines):
      // The engine of a laser drawn uniformly: each engine's share summed laser by laser, as the walk does.
      var share = [Double](repeating: 0, count: engines)
      for l in 0..<lasers { share[f.engine(ofLaser: l, engines: engines)] += 1 / Double(lasers) }
      let used = share.indices.filter { share[$0] > 0 }, ports = f.portsPerEngine
      f.forEachShapeRun(ofSwitches: first..<(first + count)) { shape, switches in
        sums.addRun(template: used.map { (Key(shape.counts(from: $0 * ports, count: ports)), share[$0]) }, times: switches)
      }
    case .none, .systemUnit, .wholeSwitch, .redundancy:
      return nil
    }
    return sums.groups()
  }

  /// The unit-by-unit count for rules the closed counts above do not cover (a `.linkSet` whose
  /// links do not step forward).
  private static func linkGroupsByUnit(rule: ImpactRule, count: Int, fabric f: FabricLayout) -> [Group]? {
    var sums = WeightSums()
    for u in 0..<count {
      guard let impact = f.fixedImpact(of: rule, unit: u) else { return nil }
      let counts = f.linkCounts(of: impact)
      sums.add(Key(links: counts.links, nicLinks: counts.nicLinks), [1], times: 1)
    }
    return sums.groups()
  }

  struct Key: Hashable, Comparable {
    let links: Int, nicLinks: Int
    init(links: Int, nicLinks: Int) { self.links = links; self.nicLinks = nicLinks }
    init(_ counts: (links: Int, nicLinks: Int)) { self.init(links: counts.links, nicLinks: counts.nicLinks) }
    static func < (a: Key, b: Key) -> Bool { (a.links, a.nicLinks) < (b.links, b.nicLinks) }
  }

  /// Per group, the sum of the probabilities of the outages in it, added in the order a walk over
  /// the units (and each unit's outages in order) would add them: the same floating-point sums.
  struct WeightSums {
    private(set) var weights: [Key: Double] = [:]

    /// Adds the values `sequence` `times` times over, in that order (nothing when `times` is 0).
    mutating func add(_ key: Key, _ sequence: [Double], times: Int) {
      guard times > 0, !sequence.isEmpty else { return }
      var sum = weights[key] ?? 0
      if sequence.count == 1, let exact = Self.exactRepeatedSum(sum, sequence[0], times) {
        sum = exact
      } else {
        for _ in 0..<times { for v in sequence { sum += v } }
      }
      weights[key] = sum
    }

    /// Adds a unit's outages (group and probability, in the unit's order) for `times` units alike.
    mutating func addRun(template: [(Key, Double)], times: Int) {
      var order: [Key] = []
      var values: [Key: [Double]] = [:]
      for (key, p) in template {
        if values[key] == nil { order.append(key) }
        values[key, default: []].append(p)
      }
      for key in order { add(key, values[key]!, times: times) }
    }

    /// `start + p + p + ... ` (n additions) when every partial sum is exact: p a power of two,
    /// `start` a multiple of it and the total below 2^53·p. Otherwise nil (add one by one).
    static func exactRepeatedSum(_ start: Double, _ p: Double, _ n: Int) -> Double? {
      guard p > 0, p.significandBitPattern == 0, p.isNormal, n < 1 << 52 else { return nil }
      let steps = start / p
      guard steps == steps.rounded(), steps >= 0 else { return nil }
      let total = steps + Double(n)
      guard total < 0x1p53 else { return nil }
      return total * p
    }

    /// The groups in key order with their shares of the total weight.
    func groups() -> [Group] {
      let keys = weights.keys.sorted()
      let total = keys.reduce(0) { $0 + weights[$1]! }
      return keys.map { Group(links: $0.links, nicLinks: $0.nicLinks, weight: weights[$0]! / total) }
    }
  }
}
