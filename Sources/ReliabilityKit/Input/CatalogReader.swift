/// Reads the part catalog (FailureData/parts.yaml, see FailureData/README.md) into `Part`s.
enum CatalogReader {
  static let partKeys = [
    "description", "fru", "power_w", "unit_cost_usd", "warranty", "rework_cost_usd", "rma_logistics_usd",
    "host_serdes_w", "support_usd_per_year", "source", "sources", "calibrated", "note", "ranges", "modes", "lemon", "bad_lot",
  ]
  static let modeKeys = ["distribution", "effect", "fix", "flap_duration", "source", "calibrated", "note", "precursor"]
  /// The part's blocks of numbers that `sources` may also name (the whole block shares one source).
  static let blockKeys = ["lemon", "bad_lot"]
  /// The part's own scalar fields: what `sources` may name, and what the provenance listing shows.
  static let valueKeys = ["power_w", "unit_cost_usd", "warranty", "rework_cost_usd", "rma_logistics_usd", "host_serdes_w",
                          "support_usd_per_year"]

  /// Reads the `parts` mapping of a catalog (already merged with any scenario overrides).
  static func parts(_ node: SourceNode, at keyPath: String, reader: InputReader) -> [Part] {
    var parts: [Part] = []
    for (id, keyNode, value) in reader.namedEntries(node, at: keyPath) {
      let path = reader.join(keyPath, id)
      guard isKebabCase(id) else {
        reader.fail(keyNode, path, "part ids are lower-case words joined by '-' (got '\(id)')")
        continue
      }
      guard let fields = reader.mapping(value, at: path, allowed: partKeys) else { continue }
      let fru = fields.text("fru") ?? id
      let power = fields.number("power_w", range: 0...1e7, rangeText: "a power in watts, 0 or more") ?? 0
      let cost = fields.number("unit_cost_usd", range: 0...1e9, rangeText: "a price in US dollars, 0 or more") ?? 0
      let source = fields.required("source").flatMap { reader.text($0, at: fields.path("source")) } ?? "estimate"
      var modes: [FailureMode] = []
      if let modesNode = fields["modes"] {
        for (modeID, _, modeValue) in reader.namedEntries(modesNode, at: fields.path("modes")) {
          if let mode = mode(modeID, modeValue, at: reader.join(fields.path("modes"), modeID), partSource: source, reader: reader) {
            modes.append(mode)
          }
        }
      }
      var part = Part(id: id, description: fields.text("description") ?? "", fru: fru, powerWatts: power,
                      unitCostUSD: cost, source: source, note: fields.text("note"), modes: modes)
      part.warranty = fields.duration("warranty")
      part.reworkCostUSD = fields.number("rework_cost_usd", range: 0...1e9, rangeText: "a price in US dollars, 0 or more")
      part.rmaLogisticsUSD = fields.number("rma_logistics_usd", range: 0...1e9, rangeText: "a cost in US dollars, 0 or more") ?? 0
      part.hostSerDesWatts = fields.number("host_serdes_w", range: 0...1e6, rangeText: "a power in watts, 0 or more") ?? 0
      part.supportUSDPerYear = fields.number("support_usd_per_year", range: 0...1e9, rangeText: "a price in US dollars per year, 0 or more") ?? 0
      if let l = fields.mapping("lemon", allowed: ["probability", "flap_multiplier", "failure_multiplier"]) {
        if let probability = l.required("probability").flatMap({ reader.probability($0, at: l.path("probability")) }) {
          part.lemon = Lemon(probability: probability,
                             flapMultiplier: l.number("flap_multiplier", range: 1...1e6, rangeText: "1 or more") ?? 1,
                             failureMultiplier: l.number("failure_multiplier", range: 1...1e6, rangeText: "1 or more") ?? 1)
          checkScalable(part, fields["lemon"]!, fields.path("lemon"), reader: reader)
        }
      }
      if let b = fields.mapping("bad_lot", allowed: ["fraction", "multiplier"]) {
        if let fraction = b.required("fraction").flatMap({ reader.probability($0, at: b.path("fraction")) }),
           let multiplier = b.required("multiplier").flatMap({ reader.number($0, at: b.path("multiplier"), range: 1...1e6, rangeText: "1 or more") }) {
          part.badLot = BadLot(fraction: fraction, multiplier: multiplier)
          checkScalable(part, fields["bad_lot"]!, fields.path("bad_lot"), reader: reader)
        }
      }
      parts.append(part)
    }
    return parts
  }

  private static func mode(_ id: String, _ node: SourceNode, at path: String, partSource: String, reader: InputReader) -> FailureMode? {
    guard let fields = reader.mapping(node, at: path, allowed: modeKeys) else { return nil }
    guard fields.required("distribution") != nil, let distribution = fields.distribution("distribution", allowPlainDuration: false) else {
      return nil
    }
    let effectName = fields.choice("effect", [("hard", "hard"), ("flap", "flap")]) ?? "hard"
    let fix = fields.choice("fix", FailureMode.Fix.allCases.map { ($0.rawValue, $0) }) ?? (effectName == "flap" ? .none : .replace)
    let effect: FailureMode.Effect
    if effectName == "flap" {
      guard fields.required("flap_duration") != nil, let duration = fields.distribution("flap_duration") else { return nil }
      effect = .flap(duration: duration)
    } else {
      if let extra = fields["flap_duration"] {
        reader.fail(extra, fields.path("flap_duration"), "only a mode with effect: flap has a flap_duration")
      }
      effect = .hard
    }
    var mode = FailureMode(id: id, distribution: distribution, effect: effect, fix: fix,
                           source: fields.text("source") ?? partSource, note: fields.text("note"))
    if let p = fields.mapping("precursor", allowed: ["probability", "lead_time"]) {
      if case .flap = effect {
        reader.fail(fields["precursor"]!, fields.path("precursor"), "only a hard failure has a precursor (this mode flaps)")
      } else if let probability = p.required("probability").flatMap({ reader.probability($0, at: p.path("probability")) }),
                let lead = p.required("lead_time").flatMap({ reader.distribution($0, at: p.path("lead_time")) }) {
        mode.precursor = Precursor(probability: probability, leadTime: lead)
      }
    }
    return mode
  }

  /// Lemon and bad-lot multipliers scale a mode's hazard: exponential and Weibull modes only.
  private static func checkScalable(_ part: Part, _ node: SourceNode, _ path: String, reader: InputReader) {
    for mode in part.modes {
      switch mode.distribution {
      case .exponential, .weibull: continue
      default:
        reader.fail(node, path, "multipliers scale exponential and Weibull modes only; mode '\(mode.id)' is \(mode.distribution.kind)")
        return
      }
    }
  }

  static func isKebabCase(_ text: String) -> Bool {
    !text.isEmpty && text.first!.isLetter && text.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }
  }
}
