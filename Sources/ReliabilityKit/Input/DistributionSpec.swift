/// A distribution as the user wrote it: a family name and named parameters as text, before
/// validation. `build()` turns it into a typed `Distribution` once, at the edge, with an error
/// that names the parameter and the value on any problem.
///
/// The same spec serves the command line (`cposim sample weibull --shape 1.5 --scale 1000h`,
/// mixture components as `0.05:weibull:shape=0.5,scale=2000h`) and scenario files.
///
/// | family | parameters |
/// | --- | --- |
/// | exponential | exactly one of `mtbf` (duration), `afr` (percent per year, `1` or `1%`), `fit` (number), `rate` (a rate with unit) |
/// | weibull | `shape` (number), `scale` (duration) |
/// | lognormal | `median` (duration) and `sigma` (number), or `mean` and `sd` (durations) |
/// | gamma | `shape` (number), `scale` (duration) |
/// | deterministic | `value` (duration) |
/// | empirical | `values` (durations separated by commas or spaces) |
/// | mixture | two or more components, each a weight and a spec |
package struct DistributionSpec: Sendable, Hashable {
  /// A named parameter as written.
  package struct Parameter: Sendable, Hashable {
    package var name: String
    package var value: String
    package init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// A mixture component as written.
  package struct Component: Sendable, Hashable {
    package var weight: String
    package var spec: DistributionSpec
    package init(weight: String, spec: DistributionSpec) {
      self.weight = weight
      self.spec = spec
    }
  }

  package var kind: String
  package var parameters: [Parameter]
  package var components: [Component]

  package init(kind: String, parameters: [Parameter] = [], components: [Component] = []) {
    self.kind = kind
    self.parameters = parameters
    self.components = components
  }

  /// The distribution families and the parameters each accepts.
  package static let families: [(kind: String, parameters: [String])] = [
    ("exponential", ["mtbf", "afr", "fit", "rate"]),
    ("weibull", ["shape", "scale"]),
    ("lognormal", ["median", "sigma", "mean", "sd"]),
    ("gamma", ["shape", "scale"]),
    ("deterministic", ["value"]),
    ("empirical", ["values"]),
    ("mixture", []),
  ]

  /// Validates the spec and builds the distribution.
  /// - Throws: `SpecError` naming the family, parameter and value.
  package func build() throws(SpecError) -> Distribution {
    guard let family = Self.families.first(where: { $0.kind == kind }) else {
      throw .unknownKind(kind: kind, suggestion: Suggestion.closest(to: kind, in: Self.families.map(\.kind)))
    }
    var values: [String: String] = [:]
    for parameter in parameters {
      guard family.parameters.contains(parameter.name) else {
        throw .unknownParameter(
          kind: kind, name: parameter.name, allowed: family.parameters,
          suggestion: Suggestion.closest(to: parameter.name, in: family.parameters))
      }
      guard values[parameter.name] == nil else { throw .duplicateParameter(kind: kind, name: parameter.name) }
      values[parameter.name] = parameter.value
    }
    if kind != "mixture", !components.isEmpty { throw .componentsOutsideMixture(kind: kind) }
    do {
      return try buildFamily(values)
    } catch let error as SpecError {
      throw error
    } catch let error as DistributionError {
      throw .invalid(kind: kind, error)
    } catch {
      preconditionFailure("unexpected error \(error)")
    }
  }

  private func buildFamily(_ values: [String: String]) throws -> Distribution {
    func require(_ name: String) throws(SpecError) -> String {
      guard let value = values[name] else { throw .missingParameter(kind: kind, name: name) }
      return value
    }
    func number(_ name: String) throws(SpecError) -> Double {
      let text = try require(name)
      guard let value = Double(text.trimmingWhitespace()) else { throw .notANumber(kind: kind, name: name, value: text) }
      return value
    }
    func duration(_ name: String) throws(SpecError) -> Hours {
      let text = try require(name)
      do { return try Units.hours(from: text) } catch { throw .badUnit(kind: kind, name: name, error) }
    }

    /// Parameters the samplers hold without overflow or a non-finite draw: beyond these a
    /// shape or sigma describes no physical failure process, and GSL returns 0, inf or nan.
    func limited(_ name: String, _ value: Double, _ range: ClosedRange<Double>) throws(DistributionError) -> Double {
      guard value.isFinite, value > 0 else { throw .nonPositiveParameter(name: name, value: value) }
      guard range.contains(value) else {
        throw .invalidParameter(name: name, value: value, reason: "must be between \(formatted(range.lowerBound)) and \(formatted(range.upperBound)) (the range cposim samples reliably)")
      }
      return value
    }

    switch kind {
    case "exponential":
      let given = ["mtbf", "afr", "fit", "rate"].filter { values[$0] != nil }
      guard given.count == 1 else {
        if given.isEmpty { throw SpecError.missingOneOf(kind: kind, names: ["mtbf", "afr", "fit", "rate"]) }
        throw SpecError.conflictingParameters(kind: kind, names: given)
      }
      switch given[0] {
      case "mtbf": return .exponential(try Exponential(mtbf: try duration("mtbf")))
      case "afr": return .exponential(try Exponential(annualisedFailureRatePercent: try percent("afr", try require("afr"))))
      case "fit": return .exponential(try Exponential(fit: try number("fit")))
      default:
        let text = try require("rate")
        do { return .exponential(try Exponential(rate: try Units.ratePerHour(from: text))) } catch let error as UnitError {
          throw SpecError.badUnit(kind: kind, name: "rate", error)
        }
      }
    case "weibull":
      return .weibull(try Weibull(shape: try limited("shape", try number("shape"), Self.shapeLimits), scale: try duration("scale")))
    case "gamma":
      return .gamma(try Gamma(shape: try limited("shape", try number("shape"), Self.shapeLimits), scale: try duration("scale")))
    case "lognormal":
      let byMedian = values["median"] != nil || values["sigma"] != nil
      let byMean = values["mean"] != nil || values["sd"] != nil
      if byMedian && byMean {
        throw SpecError.conflictingParameters(kind: kind, names: ["median", "sigma", "mean", "sd"].filter { values[$0] != nil })
      }
      if byMean {
        return .logNormal(try LogNormal(mean: try duration("mean"), standardDeviation: try duration("sd")))
      }
      return .logNormal(try LogNormal(median: try duration("median"), sigma: try limited("sigma", try number("sigma"), Self.sigmaLimits)))
    case "deterministic":
      return .deterministic(try Deterministic(value: try duration("value")))
    case "empirical":
      let text = try require("values")
      let items = text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
      var observations: [Hours] = []
      for item in items {
        do { observations.append(try Units.hours(from: item)) } catch { throw SpecError.badUnit(kind: kind, name: "values", error) }
      }
      return .empirical(try Empirical(values: observations))
    default:  // mixture
      guard components.count >= 1 else { throw SpecError.invalid(kind: kind, .emptyMixture) }
      var built: [Mixture.Component] = []
      for (index, component) in components.enumerated() {
        guard let weight = Double(component.weight.trimmingWhitespace()) else {
          throw SpecError.notANumber(kind: kind, name: "components[\(index)].weight", value: component.weight)
        }
        let distribution: Distribution
        do { distribution = try component.spec.build() } catch { throw SpecError.inComponent(index: index, error) }
        built.append(Mixture.Component(weight: weight, distribution: distribution))
      }
      return .mixture(try Mixture(components: built))
    }
  }

  /// Weibull and gamma shapes cposim accepts (a Weibull mean overflows below about 0.006; a
  /// fitted shape may be very large, which samples fine).
  package static let shapeLimits = 0.01...1_000_000.0
  /// Lognormal sigmas cposim accepts (e^10 is a spread of 22,000 between the median and one sigma).
  package static let sigmaLimits = 1e-9...10.0

  /// Reads an annualised failure rate in percent: `1`, `1%` or `1%/yr` all mean 1 %/yr.
  private func percent(_ name: String, _ text: String) throws(SpecError) -> Double {
    var body = text.trimmingWhitespace()
    for suffix in ["%/yr", "%/y", "%/year", "%"] where body.hasSuffix(suffix) {
      body = String(body.dropLast(suffix.count)).trimmingWhitespace()
      break
    }
    guard let value = Double(body) else { throw .notANumber(kind: kind, name: name, value: text) }
    return value
  }

  /// Reads the command line's compact component syntax `WEIGHT:FAMILY:name=value,name=value`,
  /// for example `0.05:weibull:shape=0.5,scale=2000h`.
  package static func component(fromCommandLine text: String) throws(SpecError) -> Component {
    let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3 else { throw .malformedComponent(text: text) }
    var parameters: [Parameter] = []
    for pair in parts[2].split(separator: ",") {
      let keyValue = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace() }
      guard keyValue.count == 2, !keyValue[0].isEmpty else { throw .malformedComponent(text: text) }
      parameters.append(Parameter(name: keyValue[0], value: keyValue[1]))
    }
    return Component(weight: parts[0], spec: DistributionSpec(kind: parts[1].trimmingWhitespace(), parameters: parameters))
  }
}

/// A distribution spec that could not be built.
package indirect enum SpecError: Error, Equatable, Sendable, CustomStringConvertible {
  case unknownKind(kind: String, suggestion: String?)
  case unknownParameter(kind: String, name: String, allowed: [String], suggestion: String?)
  case duplicateParameter(kind: String, name: String)
  case missingParameter(kind: String, name: String)
  case missingOneOf(kind: String, names: [String])
  case conflictingParameters(kind: String, names: [String])
  case notANumber(kind: String, name: String, value: String)
  case badUnit(kind: String, name: String, UnitError)
  case invalid(kind: String, DistributionError)
  case componentsOutsideMixture(kind: String)
  case inComponent(index: Int, SpecError)
  case malformedComponent(text: String)

  /// The parameter the error is about, when there is one (used to point at a YAML key).
  package var parameterName: String? {
    switch self {
    case let .unknownParameter(_, name, _, _), let .duplicateParameter(_, name), let .missingParameter(_, name),
      let .notANumber(_, name, _), let .badUnit(_, name, _):
      name
    case .invalid(_, .nonPositiveParameter(let name, _)), .invalid(_, .negativeParameter(let name, _)),
      .invalid(_, .invalidParameter(let name, _, _)):
      name
    default: nil
    }
  }

  package var description: String {
    switch self {
    case let .unknownKind(kind, suggestion):
      "unknown distribution '\(kind)'\(suggestion.map { " (did you mean '\($0)'?)" } ?? ""); known: "
        + DistributionSpec.families.map(\.kind).joined(separator: ", ")
    case let .unknownParameter(kind, name, allowed, suggestion):
      "\(kind): unknown parameter '\(name)'\(suggestion.map { " (did you mean '\($0)'?)" } ?? "")"
        + (allowed.isEmpty ? "" : "; \(kind) takes " + allowed.joined(separator: ", "))
    case let .duplicateParameter(kind, name):
      "\(kind): parameter '\(name)' is given twice"
    case let .missingParameter(kind, name):
      "\(kind): missing parameter '\(name)'"
    case let .missingOneOf(kind, names):
      "\(kind): give one of " + names.map { "'\($0)'" }.joined(separator: ", ")
    case let .conflictingParameters(kind, names):
      "\(kind): give only one way of stating it, not all of " + names.map { "'\($0)'" }.joined(separator: ", ")
    case let .notANumber(kind, name, value):
      "\(kind): '\(name)' must be a number (got '\(value)')"
    case let .badUnit(kind, name, error):
      "\(kind): '\(name)': \(error)"
    case let .invalid(kind, error):
      "\(kind): \(error)"
    case let .componentsOutsideMixture(kind):
      "\(kind): only a mixture takes components"
    case let .inComponent(index, error):
      "mixture component \(index + 1): \(error)"
    case let .malformedComponent(text):
      "mixture component '\(text)' should look like WEIGHT:FAMILY:name=value,name=value, e.g. 0.05:weibull:shape=0.5,scale=2000h"
    }
  }
}
