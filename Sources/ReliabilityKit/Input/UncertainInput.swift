import Foundation

/// A scalar input given as a range instead of a value: `{uncertain: lognormal, low: 1000000h,
/// high: 5000000h}`. Each trial draws it (two-level Monte Carlo), so reports carry what is not
/// known about the inputs, not only the Monte Carlo noise.
///
/// - `lognormal`: low and high are the 5th and 95th percentiles (a 90 % range): median √(low·high),
///   σ = ln(high/low)/(2·1.645). Draws are truncated at the 1e-6 and 1 − 1e-6 quantiles, which are
///   checked against the key's domain when the scenario is loaded.
/// - `uniform`: every value in [low, high] equally likely.
/// - `triangular`: on [low, high] with its peak at `mode` (default the midpoint).
///
/// A key that takes whole numbers (`technicians.count`, `spare_nodes`, ...) draws whole numbers,
/// and its low and high must be whole numbers: `uniform` draws each whole number from low to high
/// with the same probability (1, 2 and 3 a third each for low 1, high 3); `lognormal` and
/// `triangular` draw from the continuous range and round to the nearest whole number.
///
/// The value written into the scenario when nothing is drawn (a plain run of the central
/// scenario, a sensitivity analysis's central point) is the median of the lognormal, the middle
/// of the uniform and the mode of the triangular.
public struct UncertainInput: Sendable, Hashable {
  /// How the value is drawn between `low` and `high`.
  public enum Shape: String, Sendable, Hashable, CaseIterable {
    /// Lognormal with `low` and `high` as its 5 % and 95 % quantiles.
    case lognormal
    /// Uniform between the bounds.
    case uniform
    /// Triangular with its peak at `mode`.
    case triangular
  }

  /// The key as `cposim sweep --set` takes it (`parts.x.modes.y.distribution.mtbf`, `jobs.0.gpus`).
  public let keyPath: String
  /// How the value is drawn.
  public let shape: Shape
  /// The range's low bound, in the unit `suffix` writes (a lognormal's 5 % quantile).
  public let low: Double
  /// The range's high bound, in the unit `suffix` writes (a lognormal's 95 % quantile).
  public let high: Double
  /// The triangular's peak; nil for the midpoint, and for the other shapes.
  public let mode: Double?
  /// The unit as written (`h`, `%`, `/y`, or empty): drawn values are written back with it.
  public let suffix: String
  /// Whether the key takes whole numbers (its name is one of `UncertaintyReader.integerKeys`):
  /// draws are whole numbers (uniform over them for `uniform`, rounded otherwise) and the
  /// central value is rounded.
  public let integer: Bool
  /// Where the range is written.
  public let file: String
  /// The line, or nil.
  public let line: Int?

  /// The lognormal's truncation, as quantiles.
  static let tail = 1e-6

  /// An input at `keyPath` drawn as `shape` between `low` and `high` (peak `mode`), written with `suffix`; `integer` for keys that take whole numbers.
  public init(keyPath: String, shape: Shape, low: Double, high: Double, mode: Double? = nil, suffix: String,
              integer: Bool = false, file: String = "", line: Int? = nil) {
    self.keyPath = keyPath
    self.shape = shape
    self.low = low
    self.high = high
    self.mode = mode
    self.suffix = suffix
    self.integer = integer
    self.file = file
    self.line = line
  }

  private var sigma: Double { log(high / low) / (2 * 1.6448536269514722) }

  /// The value used when nothing is drawn.
  public var central: Double {
    let value: Double = switch shape {
    case .lognormal: (low * high).squareRoot()
    case .uniform: (low + high) / 2
    case .triangular: mode ?? (low + high) / 2
    }
    return integer ? value.rounded() : value
  }

  /// The smallest and largest values a draw can take.
  public var support: ClosedRange<Double> {
    switch shape {
    case .lognormal: value(atQuantile: Self.tail)...value(atQuantile: 1 - Self.tail)
    case .uniform, .triangular: low...high
    }
  }

  /// The value at cumulative probability `q` (the lognormal truncated at its tails); a whole
  /// number for a key that takes whole numbers.
  public func value(atQuantile q: Double) -> Double {
    guard integer else { return continuousValue(atQuantile: q) }
    if shape == .uniform {
      // Each of the high − low + 1 whole numbers takes an equal share of (0, 1).
      return min(high, low + (q * (high - low + 1)).rounded(.down))
    }
    return continuousValue(atQuantile: q).rounded()
  }

  private func continuousValue(atQuantile q: Double) -> Double {
    switch shape {
    case .lognormal:
      let p = min(max(q, Self.tail), 1 - Self.tail)
      return (low * high).squareRoot() * exp(sigma * GSL.normalPinv(p))
    case .uniform:
      return low + q * (high - low)
    case .triangular:
      let c = mode ?? (low + high) / 2, width = high - low
      let split = (c - low) / width
      return q < split ? low + (q * width * (c - low)).squareRoot() : high - ((1 - q) * width * (high - c)).squareRoot()
    }
  }

  /// A value written as the scenario takes it: the shortest decimal that reads back exactly, with the unit.
  public func text(_ value: Double) -> String {
    integer ? "\(Int(value.rounded()))\(suffix)" : "\(value)\(suffix)"
  }

  /// The stream the input is drawn from: the same key and range draw the same value in every
  /// scenario of a comparison.
  public var streamKey: UInt64 {
    SeedSequence.streamKey("uncertain:\(keyPath):\(shape.rawValue):\(low):\(high):\(mode.map { "\($0)" } ?? "")")
  }

  /// The input's value in trial `trial` of master seed `seeds`.
  public func draw(trial: Int, seeds: SeedSequence) -> Double {
    value(atQuantile: RandomSource(seed: seeds.seed(forTrial: trial, stream: streamKey)).uniform())
  }
}

/// Finds `{uncertain: ...}` ranges in a scenario tree, checks them, and writes their central
/// values in their place.
enum UncertaintyReader {
  static let keys = ["uncertain", "low", "high", "mode"]

  /// The scenario keys that take whole numbers.
  static let integerKeys: Set<String> = [
    "trials", "seed", "gpus", "gpus_per_node", "switch_radix", "ports_per_optical_engine", "ports_per_els", "spare_laser_lanes",
    "lasers_per_module", "lasers_per_els", "psus_per_switch", "psus_required", "fans_per_switch", "fans_required", "count",
    "initial", "reorder_point", "reorder_quantity", "min_nodes", "planes", "nic_homing", "uplink_overbuild", "spare_ports",
    "swap_when_dark_exceeds", "k", "spare_nodes",
  ]

  /// The tree with every range replaced by its central value, and the ranges found.
  /// - Parameters:
  ///   - prefix: the key path of `node` (`parts` for the merged part catalog).
  ///   - skipping: top-level keys not to look into.
  static func extract(_ node: SourceNode, prefix: String, skipping: Set<String> = [], reader: InputReader)
    -> (node: SourceNode, inputs: [UncertainInput]) {
    var inputs: [UncertainInput] = []
    // The key path is built only where a range is found: a scenario is read once more for each
    // bound of each of its ranges (ProvenanceReader), and building every node's path and a copy
    // of every node was most of a 128k scenario's start-up (issue 26: 974 M of 1,342 M
    // instructions of its load). Keys and indexes below `prefix`, in walk order:
    var below: [String] = []
    func path() -> String { below.reduce(prefix) { reader.join($0, $1) } }
    // The node with its ranges replaced, or nil when nothing below it is a range (the node is
    // kept as it is, not copied).
    func walk(_ node: SourceNode, top: Bool) -> SourceNode? {
      switch node.value {
      case let .mapping(entries):
        if entries.contains(where: { $0.key == "uncertain" }) {
          let path = path()
          guard let input = parse(node, path, reader: reader) else {
            // Reported: the value's own readers (and ranges over it) say nothing more about it.
            reader.reported.insert(InputReader.location(node))
            return nil
          }
          inputs.append(input)
          return SourceNode(value: .scalar(input.text(input.central)), file: node.file, line: node.line, column: node.column)
        }
        var replaced: [(key: String, keyNode: SourceNode, value: SourceNode)]?
        for (i, entry) in entries.enumerated() {
          if top, skipping.contains(entry.key) { continue }
          below.append(entry.key)
          defer { below.removeLast() }
          if let value = walk(entry.value, top: false) {
            if replaced == nil { replaced = entries }
            replaced![i] = (entry.key, entry.keyNode, value)
          }
        }
        return replaced.map { SourceNode(value: .mapping($0), file: node.file, line: node.line, column: node.column) }
      case let .sequence(items):
        var replaced: [SourceNode]?
        for (i, item) in items.enumerated() {
          below.append("\(i)")
          defer { below.removeLast() }
          if let value = walk(item, top: false) {
            if replaced == nil { replaced = items }
            replaced![i] = value
          }
        }
        return replaced.map { SourceNode(value: .sequence($0), file: node.file, line: node.line, column: node.column) }
      default:
        return nil
      }
    }
    return (walk(node, top: true) ?? node, inputs)
  }

  private static func parse(_ node: SourceNode, _ path: String, reader: InputReader) -> UncertainInput? {
    guard let m = reader.mapping(node, at: path, allowed: keys) else { return nil }
    guard let shape = m.required("uncertain").flatMap({
      reader.choice($0, at: m.path("uncertain"), UncertainInput.Shape.allCases.map { ($0.rawValue, $0) })
    }) else { return nil }
    func number(_ key: String) -> WrittenNumber? {
      guard let n = m[key] else { return nil }
      guard let text = reader.text(n, at: m.path(key)), let value = WrittenNumber(text) else {
        reader.fail(n, m.path(key), "must be a number with the key's unit, such as 1000000h or 0.5% (got \(n.kindName))")
        return nil
      }
      return value
    }
    guard let lowNode = m.required("low"), let highNode = m.required("high"), let low = number("low"), let high = number("high") else {
      return nil
    }
    let mode = number("mode")
    for other in [high] + (mode.map { [$0] } ?? []) where other.suffix != low.suffix {
      reader.fail(highNode, path, "low, high and mode must be written in the same unit (got '\(low.text)' and '\(other.text)')")
      return nil
    }
    guard low.value < high.value else {
      reader.fail(lowNode, m.path("low"), "must be below high (got low \(low.text), high \(high.text))")
      return nil
    }
    if shape == .lognormal, low.value <= 0 {
      reader.fail(lowNode, m.path("low"), "must be above 0 for a lognormal range (got \(low.text))")
      return nil
    }
    if let mode, !(low.value...high.value).contains(mode.value) {
      reader.fail(m["mode"]!, m.path("mode"), "must lie between low and high (got \(mode.text))")
      return nil
    }
    if mode != nil, shape != .triangular {
      reader.fail(m["mode"]!, m.path("mode"), "only a triangular range has a mode")
      return nil
    }
    let integer = integerKeys.contains(String(path.split(separator: ".").last ?? ""))
    if integer {
      for (key, value, node) in [("low", low, lowNode), ("high", high, highNode)] + (mode.map { [("mode", $0, m["mode"]!)] } ?? [])
      where value.value != value.value.rounded() {
        reader.fail(node, m.path(key), "\(path) takes whole numbers, so its range does too (got \(value.text))")
        return nil
      }
    }
    return UncertainInput(keyPath: path, shape: shape, low: low.value, high: high.value, mode: mode?.value, suffix: low.suffix,
                          integer: integer, file: node.file, line: node.line)
  }
}
