import Foundation
import ReliabilityKit

/// Recurrent events drawn from known NHPPs, for the tests of `cposim recurrent`'s methods.
enum RecurrentDraws {
  /// Events of an NHPP with cumulative intensity `cumulative` and its inverse on (a, b]: the
  /// count is Poisson(Λ(b) − Λ(a)) and, given it, the ages are Λ⁻¹ of uniform points between
  /// Λ(a) and Λ(b) (the order statistics of a Poisson process mapped back through Λ).
  static func events(a: Hours, b: Hours, cumulative: (Hours) -> Double, inverse: (Double) -> Hours, using source: RandomSource) -> [Hours] {
    let lo = cumulative(a), hi = cumulative(b)
    let n = source.poisson(mean: hi - lo)
    return (0..<n).map { _ in min(b, max(inverse(lo + source.uniformPositive() * (hi - lo)), nextafter(a, .infinity))) }.sorted()
  }

  /// Power law: Λ(t) = (t/η)^β.
  static func powerLaw(beta: Double, eta: Double, a: Hours, b: Hours, using source: RandomSource) -> [Hours] {
    events(a: a, b: b, cumulative: { pow($0 / eta, beta) }, inverse: { eta * pow($0, 1 / beta) }, using: source)
  }

  /// Log-linear: Λ(t) = e^α (e^(γt) − 1)/γ.
  static func logLinear(alpha: Double, gamma: Double, a: Hours, b: Hours, using source: RandomSource) -> [Hours] {
    events(a: a, b: b, cumulative: { exp(alpha) * expm1(gamma * $0) / gamma },
           inverse: { log1p(gamma * $0 * exp(-alpha)) / gamma }, using: source)
  }

  /// A fleet of `units` units, each with a window from `window` and events from `events`.
  static func fleet(units: Int, seed: UInt32, window: (RandomSource) -> (Hours, Hours),
                    events: (Hours, Hours, RandomSource) -> [Hours]) -> RecurrentData {
    let source = RandomSource(seed: seed)
    return RecurrentData(units: (0..<units).map { i in
      let (a, b) = window(source)
      return RecurrentData.Unit(id: "u\(i)", entry: a, exit: b, events: events(a, b, source))
    })
  }

  /// The log's CSV text (ages in hours).
  static func csv(_ data: RecurrentData, mode: String? = nil) -> String {
    var lines = ["unit,entered,exited,time" + (mode == nil ? "" : ",mode")]
    for u in data.units {
      if u.events.isEmpty { lines.append("\(u.id),\(u.entry),\(u.exit)," + (mode == nil ? "" : ",")) }
      for t in u.events { lines.append("\(u.id),\(u.entry),\(u.exit),\(t)" + (mode.map { ",\($0)" } ?? "")) }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
