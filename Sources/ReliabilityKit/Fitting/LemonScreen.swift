import Foundation

/// Units with far more events than the fleet's intensity gives them: lemon candidates.
///
/// Test: under the fitted fleet model every unit's count in its window (a_i, b_i] is Poisson with
/// mean μ_i = Λ̂(b_i) − Λ̂(a_i); a unit's one-sided p-value is P(N ≥ n_i | μ_i), computed as the
/// regularised incomplete gamma P(n_i, μ_i) (GSL). Multiplicity: Benjamini–Hochberg at false
/// discovery rate q (default 5 %): the units with the k smallest p-values are flagged, k the
/// largest with p_(k) ≤ k q / m over the m units; each unit's q-value is min over j ≥ its rank of
/// m p_(j)/j. Among the flagged units, about q of them are expected to be ordinary units, not
/// lemons. The counts are discrete, so the test is conservative; μ̂ is fitted with the lemons in
/// it, which makes it more conservative still.
public struct LemonScreen: Sendable {
  /// One unit's count against the fleet fit.
  public struct UnitCount: Sendable, Equatable {
    /// The unit's id.
    public let id: String
    /// Events the unit had in its window.
    public let events: Int
    /// Events the fleet fit expects in the window, μ = Λ̂(exit) − Λ̂(entry).
    public let expected: Double
    /// One-sided Poisson p-value, P(N ≥ events | μ).
    public let pValue: Double
    /// Benjamini–Hochberg q-value: min over ranks j at or after the unit's of m p₍ⱼ₎/j.
    public let qValue: Double
    /// Whether the unit is among those Benjamini–Hochberg flags at `falseDiscoveryRate`.
    public let flagged: Bool
  }

  /// The fleet model the counts are tested against.
  public let model: IntensityModel
  /// The false discovery rate q.
  public let falseDiscoveryRate: Double
  /// Every unit, smallest p-value first (then by id).
  public let units: [UnitCount]

  /// The lemon candidates, smallest p-value first.
  public var flagged: [UnitCount] { units.filter(\.flagged) }

  /// Screens every unit of `data` against `fit` at false discovery rate `q`.
  public init(data: RecurrentData, fit: IntensityFit, falseDiscoveryRate q: Double) {
    model = fit.model
    falseDiscoveryRate = q
    let raw = data.units.map { unit -> (id: String, n: Int, mu: Double, p: Double) in
      let mu = fit.expectedEvents(from: unit.entry, to: unit.exit)
      let n = unit.events.count
      let p = n == 0 ? 1 : min(1, GSL.gammaP(mu, shape: Double(n), scale: 1))
      return (unit.id, n, mu, p)
    }.sorted { ($0.p, $0.id) < ($1.p, $1.id) }
    let m = Double(raw.count)
    var cutoff = -1
    for (rank, unit) in raw.enumerated() where unit.p <= Double(rank + 1) * q / m { cutoff = rank }
    var qValues = [Double](repeating: 1, count: raw.count)
    var running = 1.0
    for rank in raw.indices.reversed() {
      running = min(running, raw[rank].p * m / Double(rank + 1))
      qValues[rank] = min(1, running)
    }
    units = raw.enumerated().map { rank, unit in
      UnitCount(id: unit.id, events: unit.n, expected: unit.mu, pValue: unit.p, qValue: qValues[rank], flagged: rank <= cutoff)
    }
  }
}

/// The rate of occurrence of failures (ROCOF) by age band, non-parametric: the events in each
/// band over the unit-hours observed in it, with the exact (Garwood) Poisson 95 % interval
/// χ²_{2n}(0.025)/(2E) .. χ²_{2n+2}(0.975)/(2E).
public enum RateByAge {
  /// One age band.
  public struct Band: Sendable, Equatable {
    /// The band's youngest age, in hours.
    public let fromHours: Hours
    /// The band's oldest age, in hours.
    public let toHours: Hours
    /// Events in the band.
    public let events: Int
    /// Unit-hours observed in the band.
    public let exposureUnitHours: Double
    /// Events per unit-hour, `events` / `exposureUnitHours`.
    public let perUnitHour: Double
    /// Lower end of the exact Poisson 95 % interval, per unit-hour.
    public let ci95Low: Double
    /// Upper end of the exact Poisson 95 % interval, per unit-hour.
    public let ci95High: Double
  }

  /// `count` equal bands from the youngest entry to the oldest exit; bands nobody was observed in
  /// are left out.
  public static func bands(_ data: RecurrentData, count: Int) -> [Band] {
    let range = data.ageRange
    guard count > 0, range.upperBound > range.lowerBound else { return [] }
    let width = (range.upperBound - range.lowerBound) / Double(count)
    var events = [Int](repeating: 0, count: count)
    var exposure = [Double](repeating: 0, count: count)
    func band(_ t: Hours) -> Int { min(count - 1, max(0, Int(((t - range.lowerBound) / width).rounded(.up)) - 1)) }
    for unit in data.units {
      for t in unit.events { events[band(t)] += 1 }
      for b in band(unit.entry)...band(unit.exit) {
        let lo = range.lowerBound + Double(b) * width, hi = b == count - 1 ? range.upperBound : lo + width
        exposure[b] += max(0, min(hi, unit.exit) - max(lo, unit.entry))
      }
    }
    return (0..<count).compactMap { b in
      guard exposure[b] > 0 else { return nil }
      let lo = range.lowerBound + Double(b) * width, hi = b == count - 1 ? range.upperBound : lo + width
      let n = Double(events[b]), e = exposure[b]
      let low = events[b] == 0 ? 0 : GSL.chiSquaredPinv(0.025, degreesOfFreedom: 2 * n) / (2 * e)
      let high = GSL.chiSquaredPinv(0.975, degreesOfFreedom: 2 * n + 2) / (2 * e)
      return Band(fromHours: lo, toHours: hi, events: events[b], exposureUnitHours: e, perUnitHour: n / e, ci95Low: low, ci95High: high)
    }
  }
}
