import Testing
import ReliabilityKit

@Suite("Distribution spec")
struct DistributionSpecTests {
  func spec(_ kind: String, _ parameters: [String: String]) -> DistributionSpec {
    DistributionSpec(kind: kind, parameters: parameters.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) })
  }

  @Test("builds each family from its text parameters")
  func builds() throws {
    #expect(try spec("exponential", ["afr": "1%"]).build() == .exponential(try Exponential(annualisedFailureRatePercent: 1)))
    #expect(try spec("exponential", ["afr": "1"]).build() == .exponential(try Exponential(annualisedFailureRatePercent: 1)))
    #expect(try spec("exponential", ["mtbf": "100y"]).build() == .exponential(try Exponential(mtbf: 876_000)))
    #expect(try spec("exponential", ["fit": "1140"]).build() == .exponential(try Exponential(fit: 1140)))
    #expect(try spec("exponential", ["rate": "6.5e-3/d"]).build() == .exponential(try Exponential(rate: 6.5e-3 / 24)))
    #expect(try spec("weibull", ["shape": "1.5", "scale": "1000h"]).build() == .weibull(try Weibull(shape: 1.5, scale: 1000)))
    #expect(try spec("gamma", ["shape": "2", "scale": "30m"]).build() == .gamma(try Gamma(shape: 2, scale: 0.5)))
    #expect(try spec("lognormal", ["median": "82000h", "sigma": "0.9"]).build()
      == .logNormal(try LogNormal(median: 82_000, sigma: 0.9)))
    #expect(try spec("lognormal", ["mean": "4h", "sd": "2h"]).build()
      == .logNormal(try LogNormal(mean: 4, standardDeviation: 2)))
    #expect(try spec("deterministic", ["value": "15m"]).build() == .deterministic(try Deterministic(value: 0.25)))
    #expect(try spec("empirical", ["values": "1h, 2h 30m"]).build() == .empirical(try Empirical(values: [1, 2, 0.5])))
  }

  @Test("builds a mixture from command-line components")
  func mixture() throws {
    let components = try ["0.05:weibull:shape=0.5,scale=2000h", "0.95:exponential:afr=1"].map {
      try DistributionSpec.component(fromCommandLine: $0)
    }
    let built = try DistributionSpec(kind: "mixture", components: components).build()
    guard case let .mixture(mixture) = built else { Issue.record("not a mixture"); return }
    #expect(mixture.components.map(\.weight) == [0.05, 0.95])
    #expect(mixture.components[0].distribution == .weibull(try Weibull(shape: 0.5, scale: 2000)))
  }

  static let errorCases: [(DistributionSpec, String)] = [
    (DistributionSpec(kind: "weibul"), "unknown distribution 'weibul' (did you mean 'weibull'?); known: exponential, weibull, lognormal, gamma, deterministic, empirical, mixture"),
    (DistributionSpec(kind: "weibull", parameters: [.init(name: "shap", value: "1")]),
     "weibull: unknown parameter 'shap' (did you mean 'shape'?); weibull takes shape, scale"),
    (DistributionSpec(kind: "weibull", parameters: [.init(name: "shape", value: "1.5")]), "weibull: missing parameter 'scale'"),
    (DistributionSpec(kind: "weibull", parameters: [.init(name: "shape", value: "-1"), .init(name: "scale", value: "1000h")]),
     "weibull: 'shape' must be a positive, finite number (got -1)"),
    (DistributionSpec(kind: "weibull", parameters: [.init(name: "shape", value: "one"), .init(name: "scale", value: "1000h")]),
     "weibull: 'shape' must be a number (got 'one')"),
    (DistributionSpec(kind: "weibull", parameters: [.init(name: "shape", value: "1"), .init(name: "scale", value: "1000")]),
     "weibull: 'scale': '1000' has no unit: write it as 1000h, 1000d or 1000y (units: s, m, h, d, w, y)"),
    (DistributionSpec(kind: "exponential"), "exponential: give one of 'mtbf', 'afr', 'fit', 'rate'"),
    (DistributionSpec(kind: "exponential", parameters: [.init(name: "afr", value: "1"), .init(name: "fit", value: "1140")]),
     "exponential: give only one way of stating it, not all of 'afr', 'fit'"),
    (DistributionSpec(kind: "exponential", parameters: [.init(name: "afr", value: "0")]),
     "exponential: 'afr' must be a positive, finite number (got 0)"),
    (DistributionSpec(kind: "lognormal", parameters: [.init(name: "median", value: "1h"), .init(name: "sd", value: "1h")]),
     "lognormal: give only one way of stating it, not all of 'median', 'sd'"),
    (DistributionSpec(kind: "mixture", components: [.init(weight: "0.5", spec: DistributionSpec(kind: "gamma"))]),
     "mixture component 1: gamma: missing parameter 'shape'"),
  ]

  @Test("each mistake gets one message naming the family, parameter and value", arguments: errorCases)
  func errors(spec: DistributionSpec, message: String) {
    #expect { try spec.build() } throws: { error in
      let text = "\(error)"
      if text != message { Issue.record("got: \(text)") }
      return text == message
    }
  }

  @Test("malformed command-line components are explained")
  func malformedComponent() {
    #expect(throws: SpecError.malformedComponent(text: "weibull:shape=1")) {
      try DistributionSpec.component(fromCommandLine: "weibull:shape=1")
    }
  }

  @Test("errors know which parameter they are about")
  func parameterName() {
    #expect(SpecError.invalid(kind: "weibull", .nonPositiveParameter(name: "shape", value: -1)).parameterName == "shape")
    #expect(SpecError.missingParameter(kind: "gamma", name: "scale").parameterName == "scale")
    #expect(SpecError.unknownKind(kind: "x", suggestion: nil).parameterName == nil)
  }
}
