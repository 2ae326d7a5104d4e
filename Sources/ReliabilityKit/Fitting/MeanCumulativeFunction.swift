import Foundation

/// The mean cumulative function of recurrent events (Nelson–Aalen for recurrent events), with
/// delayed entry: the expected number of events a unit has had by age t,
///
///   M̂(t) = Σ_{t_j ≤ t} d_j / Y(t_j),
///
/// d_j the events at age t_j and Y(t_j) the units under observation then (entry < t_j ≤ exit).
///
/// Two variances are given at each event age:
/// - `variance`, Lawless and Nadeau's robust estimator (Technometrics 37, 1995, eq. 2.4), which
///   assumes nothing about how a unit's events depend on each other and allows units that differ:
///   Var M̂(t) = Σ_i [Σ_{t_j ≤ t} (Y_i(t_j)/Y(t_j)) (d_ij − d_j/Y(t_j))]²;
///   the 95 % band is M̂ exp(±1.96 √Var / M̂) (log-transformed, so it stays positive);
/// - `varianceNelson`, the incremental estimator of Nelson's *Recurrent Events Data Analysis*
///   (2003) as ReliaSoft and Python `reliability` (MCF_nonparametric) compute it:
///   Σ_{t_j ≤ t} (1/Y_j²) Σ_{i at risk} (d_ij − d_j/Y_j)², which leaves out the covariance of a
///   unit's increments at different ages. It is given so that results compare with those tools.
public enum MeanCumulativeFunction {
  /// The MCF at one event age.
  public struct Point: Sendable, Equatable {
    /// The age, in hours.
    public let timeHours: Hours
    /// Units under observation at that age, Y(t).
    public let atRisk: Int
    /// Events at that age, d.
    public let events: Int
    /// M̂(t): expected events per unit by this age.
    public let mcf: Double
    /// Lawless–Nadeau robust variance.
    public let variance: Double
    /// Nelson's incremental variance (ReliaSoft, `reliability`).
    public let varianceNelson: Double
    /// Lower end of the 95 % band, M̂ exp(−1.96 √variance / M̂).
    public let ci95Low: Double
    /// Upper end of the 95 % band, M̂ exp(+1.96 √variance / M̂).
    public let ci95High: Double
  }

  /// The MCF at every age with an event.
  /// - Complexity: O((m + n) log(m + n)) for m units and n events.
  public static func estimate(_ data: RecurrentData) -> [Point] {
    let units = data.units
    // Sweep over ages: entries (a unit joins the risk set just after its entry age), event ages,
    // and exits (a unit leaves just after its exit age).
    let entries = units.indices.sorted { units[$0].entry < units[$1].entry }
    let exits = units.indices.sorted { units[$0].exit < units[$1].exit }
    var byAge: [(age: Hours, unit: Int)] = []
    for (i, u) in units.enumerated() { for t in u.events { byAge.append((t, i)) } }
    byAge.sort { $0.age < $1.age }

    var nextEntry = 0, nextExit = 0
    var atRisk = 0
    var inRisk = [Bool](repeating: false, count: units.count)
    // Lawless–Nadeau: for a unit at risk, w_i(t) = E_i(t) − (A(t) − A(a_i)), with A(t) = Σ d_j/Y_j²
    // and E_i its own Σ d_ij/Y_j. Kept as c_i = E_i + A(a_i), so w_i = c_i − A; S1 = Σ w_i and
    // S2 = Σ w_i² over the risk set are updated as A moves and units gain, and a unit that leaves
    // adds its final w_i² to `frozen`. Var M̂(t) = frozen + S2.
    var c = [Double](repeating: 0, count: units.count)
    var cumulativeA = 0.0
    var s1 = 0.0, s2 = 0.0, frozen = 0.0
    var mcf = 0.0, nelson = 0.0
    var points: [Point] = []
    var k = 0
    while k < byAge.count {
      let t = byAge[k].age
      // Units whose entry is before t join; units whose exit is before t leave (exit at t: still at risk).
      while nextEntry < entries.count, units[entries[nextEntry]].entry < t {
        let i = entries[nextEntry]
        nextEntry += 1
        if units[i].exit < t { continue }  // in and out between two events: w_i stays 0
        inRisk[i] = true
        atRisk += 1
        c[i] = cumulativeA  // w_i = 0
      }
      while nextExit < exits.count, units[exits[nextExit]].exit < t {
        let i = exits[nextExit]
        nextExit += 1
        guard inRisk[i] else { continue }
        inRisk[i] = false
        atRisk -= 1
        let w = c[i] - cumulativeA
        s1 -= w
        s2 -= w * w
        frozen += w * w
      }
      // The events at t.
      var end = k
      while end < byAge.count, byAge[end].age == t { end += 1 }
      let d = Double(end - k)
      let y = Double(atRisk)
      precondition(atRisk > 0, "an event outside every window")
      var counts: [Int: Int] = [:]
      for j in k..<end { counts[byAge[j].unit, default: 0] += 1 }
      // Nelson's incremental variance: (1/Y²) [Σ d_ij² − d²/Y].
      let sumSquares = counts.values.reduce(0.0) { $0 + Double($1 * $1) }
      nelson += (sumSquares - d * d / y) / (y * y)
      mcf += d / y
      // A moves by δ = d/Y², so every w_i at risk falls by δ: Σ (w − δ)² = S2 − 2δ S1 + Y δ².
      let delta = d / (y * y)
      s2 += -2 * delta * s1 + y * delta * delta
      s1 -= y * delta
      cumulativeA += delta
      // Each unit with events gains d_ij / Y.
      for (i, count) in counts.sorted(by: { $0.key < $1.key }) {  // in unit order: sums the same every run
        let w = c[i] - cumulativeA
        let gain = Double(count) / y
        s1 += gain
        s2 += 2 * w * gain + gain * gain
        c[i] += gain
      }
      let variance = max(0, frozen + s2)
      let se = variance.squareRoot()
      let factor = exp(ProfileLikelihood.z95 * se / mcf)
      points.append(Point(timeHours: t, atRisk: atRisk, events: end - k, mcf: mcf, variance: variance, varianceNelson: nelson,
                          ci95Low: mcf / factor, ci95High: mcf * factor))
      k = end
    }
    return points
  }

  /// The MCF at age t (a step function: the last point at or before t; 0 before the first event).
  public static func value(at t: Hours, in points: [Point]) -> Point? {
    var low = 0, high = points.count
    while low < high {
      let mid = (low + high) / 2
      if points[mid].timeHours <= t { low = mid + 1 } else { high = mid }
    }
    return low == 0 ? nil : points[low - 1]
  }
}
