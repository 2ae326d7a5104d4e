import Foundation

/// A finite mixture: with probability wᵢ the duration comes from component i.
///
/// F(t) = Σ wᵢ Fᵢ(t); mean Σ wᵢ μᵢ; variance Σ wᵢ (σᵢ² + μᵢ²) − μ².
///
/// The classic use is a bathtub-shaped population: a small share of weak units with infant
/// mortality (Weibull β < 1) mixed with the main population's wear-out (β > 1) or random
/// failures. Note that it mixes *populations* (each unit belongs to one component); it is not
/// a competing-risks model, where each unit has every failure mode at once.
public struct Mixture: FailureDistribution, Hashable {
  /// One component: its weight (a probability) and its distribution.
  public struct Component: Hashable, Sendable {
    public let weight: Double
    public let distribution: Distribution

    public init(weight: Double, distribution: Distribution) {
      self.weight = weight
      self.distribution = distribution
    }
  }

  public let components: [Component]
  private let cumulativeWeights: [Double]

  /// - Throws: `DistributionError.emptyMixture`, `nonPositiveParameter` naming a bad weight,
  ///   or `weightsDoNotSumToOne` when the weights miss 1 by more than 1e-6.
  public init(components: [Component]) throws(DistributionError) {
    guard !components.isEmpty else { throw .emptyMixture }
    for (index, component) in components.enumerated() {
      try requirePositive(component.weight, "components[\(index)].weight")
    }
    let sum = components.reduce(0) { $0 + $1.weight }
    guard abs(sum - 1) <= 1e-6 else { throw .weightsDoNotSumToOne(sum: sum) }
    self.components = components
    var running = 0.0
    cumulativeWeights = components.map { running += $0.weight / sum; return running }
  }

  public var mean: Hours { components.reduce(0) { $0 + $1.weight * $1.distribution.mean } }

  public var variance: Double {
    let m = mean
    let second = components.reduce(0) {
      $0 + $1.weight * ($1.distribution.variance + $1.distribution.mean * $1.distribution.mean)
    }
    return max(0, second - m * m)
  }

  /// √(Σ wᵢ (σᵢ² + μᵢ²) − μ²), each term divided by the largest σᵢ or |μᵢ| first, so huge
  /// components neither overflow nor cancel to 0 (inf − inf gave a spread of 0).
  public var standardDeviation: Hours {
    let parts = components.map { (w: $0.weight, sd: $0.distribution.standardDeviation, mean: $0.distribution.mean) }
    let scale = parts.reduce(0.0) { max($0, $1.sd, abs($1.mean)) }
    guard scale.isFinite else { return scale.isNaN ? .nan : .infinity }
    guard scale > 0 else { return 0 }
    let m = parts.reduce(0.0) { $0 + $1.w * $1.mean / scale }
    let second = parts.reduce(0.0) { $0 + $1.w * (($1.sd / scale) * ($1.sd / scale) + ($1.mean / scale) * ($1.mean / scale)) }
    return scale * max(0, second - m * m).squareRoot()
  }

  public func sample(using source: RandomSource) -> Hours {
    let u = source.uniform()
    let index = cumulativeWeights.firstIndex { u < $0 } ?? components.count - 1
    return components[index].distribution.sample(using: source)
  }

  public func cdf(_ t: Hours) -> Double {
    components.reduce(0) { $0 + $1.weight * $1.distribution.cdf(t) }
  }

  public func survival(_ t: Hours) -> Double {
    components.reduce(0) { $0 + $1.weight * $1.distribution.survival(t) }
  }

  public func probability(in range: ClosedRange<Hours>) -> Double {
    components.reduce(0) { $0 + $1.weight * $1.distribution.probability(in: range) }
  }

  /// Found by bisection between the smallest and largest component quantiles (the mixture's
  /// quantile always lies between them), to a relative tolerance of 1e-13. Bounds more than a
  /// factor 2 apart are bisected at their geometric mean: halving 1e-195 .. 10 stopped at 6e-60
  /// after 200 steps, far from the answer.
  public func quantile(_ p: Double) -> Hours {
    precondition(p >= 0 && p <= 1, "quantile needs 0 <= p <= 1, got \(p)")
    let bounds = components.map { $0.distribution.quantile(p) }
    var low = bounds.min()!, high = bounds.max()!
    if low == high || !high.isFinite { return high }
    for _ in 0..<2_000 {
      let mid = low > 0 && high > 2 * low ? exp((log(low) + log(high)) / 2) : (low + high) / 2
      if cdf(mid) >= p { high = mid } else { low = mid }
      if high - low <= 1e-13 * high { break }
    }
    return high
  }

  /// Picks a component in proportion to wᵢ Pᵢ(range), then draws from it truncated.
  public func sample(truncatedTo range: ClosedRange<Hours>, using source: RandomSource) throws(DistributionError) -> Hours {
    let masses = components.map { $0.weight * $0.distribution.probability(in: range) }
    let total = masses.reduce(0, +)
    guard total > 0 else { throw .emptyInterval(lower: range.lowerBound, upper: range.upperBound) }
    var threshold = source.uniform() * total
    for (index, mass) in masses.enumerated() where mass > 0 {
      threshold -= mass
      if threshold < 0 || index == masses.lastIndex(where: { $0 > 0 }) {
        return try components[index].distribution.sample(truncatedTo: range, using: source)
      }
    }
    throw .emptyInterval(lower: range.lowerBound, upper: range.upperBound)
  }
}
