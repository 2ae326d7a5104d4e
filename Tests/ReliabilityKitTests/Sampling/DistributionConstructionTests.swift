import Foundation
import Testing
import ReliabilityKit

@Suite("Distribution construction and parameter checks")
struct DistributionConstructionTests {
  @Test("exponential: MTBF, AFR and FIT describe the same rate")
  func exponentialForms() throws {
    let byMTBF = try Exponential(mtbf: 876_000)
    let byAFR = try Exponential(annualisedFailureRatePercent: 1)
    let byFIT = try Exponential(fit: 1e9 / 876_000)
    #expect(close(byMTBF.rate, byAFR.rate))
    #expect(close(byMTBF.rate, byFIT.rate))
    #expect(close(byAFR.mtbf, 876_000))
    #expect(close(byAFR.fit, 1141.552511415525, 1e-12))
    #expect(close(try Exponential(fit: 720).annualisedFailureRatePercent, 0.63072))
  }

  @Test("lognormal: median/sigma and mean/sd describe the same distribution")
  func lognormalForms() throws {
    let byMedian = try LogNormal(median: 1000, sigma: 0.5)
    let byMean = try LogNormal(mean: byMedian.mean, standardDeviation: byMedian.standardDeviation)
    #expect(close(byMean.mu, byMedian.mu, 1e-12))
    #expect(close(byMean.sigma, byMedian.sigma, 1e-12))
    #expect(close(byMedian.median, 1000, 1e-12))
  }

  @Test("empirical sorts its observations; mixture keeps its components")
  func containers() throws {
    #expect(try Empirical(values: [3, 1, 2]).values == [1, 2, 3])
    let mixture = try Mixture(components: [
      .init(weight: 0.25, distribution: .deterministic(try Deterministic(value: 1))),
      .init(weight: 0.75, distribution: .deterministic(try Deterministic(value: 5))),
    ])
    #expect(mixture.components.count == 2)
  }

  static let invalidRates: [Double] = [0, -1, .nan, .infinity]

  @Test("exponential rejects non-positive or non-finite parameters, naming them", arguments: invalidRates)
  func exponentialRejects(value: Double) {
    #expect { try Exponential(rate: value) } throws: { "\($0)".hasPrefix("'rate' must be a positive, finite number") }
    #expect { try Exponential(mtbf: value) } throws: { "\($0)".hasPrefix("'mtbf'") }
    #expect { try Exponential(annualisedFailureRatePercent: value) } throws: { "\($0)".hasPrefix("'afr'") }
    #expect { try Exponential(fit: value) } throws: { "\($0)".hasPrefix("'fit'") }
  }

  @Test("Weibull and gamma reject each invalid parameter", arguments: [(0.0, 1.0), (1.0, 0.0), (-1.5, 1.0), (1.0, -3.0), (.nan, 1.0), (1.0, .infinity)])
  func twoParameterRejects(shape: Double, scale: Double) {
    let badName = (shape > 0 && shape.isFinite) ? "scale" : "shape"
    let badValue = badName == "shape" ? shape : scale
    #expect { try Weibull(shape: shape, scale: scale) } throws: { error in
      guard case let .nonPositiveParameter(name, value) = error as? DistributionError else { return false }
      return name == badName && (value == badValue || (value.isNaN && badValue.isNaN))
    }
    #expect { try Gamma(shape: shape, scale: scale) } throws: { error in
      guard case let .nonPositiveParameter(name, _) = error as? DistributionError else { return false }
      return name == badName
    }
  }

  @Test("lognormal rejects bad median, sigma, mean or sd")
  func lognormalRejects() {
    #expect(throws: DistributionError.nonPositiveParameter(name: "median", value: 0)) { try LogNormal(median: 0, sigma: 1) }
    #expect(throws: DistributionError.nonPositiveParameter(name: "sigma", value: -1)) { try LogNormal(median: 10, sigma: -1) }
    #expect(throws: DistributionError.nonPositiveParameter(name: "mean", value: -5)) { try LogNormal(mean: -5, standardDeviation: 1) }
    #expect(throws: DistributionError.nonPositiveParameter(name: "sd", value: 0)) { try LogNormal(mean: 5, standardDeviation: 0) }
    #expect(throws: DistributionError.self) { try LogNormal(mu: .infinity, sigma: 1) }
  }

  @Test("deterministic and empirical reject negative or non-finite durations")
  func fixedAndEmpiricalRejects() {
    #expect(throws: DistributionError.negativeParameter(name: "value", value: -1)) { try Deterministic(value: -1) }
    #expect(throws: DistributionError.emptyObservations) { try Empirical(values: []) }
    #expect(throws: DistributionError.negativeParameter(name: "values[1]", value: -2)) { try Empirical(values: [1, -2]) }
  }

  @Test("mixture rejects no components, bad weights and weights not adding up to one")
  func mixtureRejects() throws {
    let one = Distribution.deterministic(try Deterministic(value: 1))
    #expect(throws: DistributionError.emptyMixture) { try Mixture(components: []) }
    #expect(throws: DistributionError.nonPositiveParameter(name: "components[0].weight", value: 0)) {
      try Mixture(components: [.init(weight: 0, distribution: one), .init(weight: 1, distribution: one)])
    }
    #expect(throws: DistributionError.weightsDoNotSumToOne(sum: 0.9)) {
      try Mixture(components: [.init(weight: 0.4, distribution: one), .init(weight: 0.5, distribution: one)])
    }
  }

  @Test("error messages are one sentence naming the parameter and the value")
  func messages() {
    #expect(DistributionError.nonPositiveParameter(name: "shape", value: -1).description
      == "'shape' must be a positive, finite number (got -1)")
    #expect(DistributionError.nonPositiveParameter(name: "scale", value: 0.25).description
      == "'scale' must be a positive, finite number (got 0.25)")
    #expect(DistributionError.weightsDoNotSumToOne(sum: 0.9).description == "mixture weights must add up to 1 (they add up to 0.9)")
  }
}
