/// The colours of cposim's charts, defined once for each side of the trade. The notebooks use
/// the same values (Notebooks-export/cposim_style.py; a test keeps the two equal), and
/// docs/report.md lists them.
package enum ReportPalette {
  /// Pluggable optics: blue.
  package static let pluggable = "#1f5fa8"
  /// Co-packaged optics (any CPO variant): orange. Blue and orange stay apart for the common
  /// colour-vision deficiencies and in greyscale print.
  package static let cpo = "#d9730d"
  /// Scenarios that are neither (plain systems, a third scenario), in order.
  package static let others = ["#7a4e9c", "#3b8a8c", "#8c6d46", "#5e6b7a"]
  /// A paired difference B − A.
  package static let difference = "#39424e"
  /// The break-even crossing and its interval.
  package static let crossing = "#c0392b"
  /// A calibration target and its band.
  package static let target = "#2e7d4f"
  /// Axes, ticks and secondary text.
  package static let axis = "#5b6470"
  package static let grid = "#e4e7eb"

  /// Which side a scenario is on.
  package enum Side: Equatable, Sendable {
    case pluggable, cpo, other(Int)
  }

  /// The side of a scenario from its fabric's optics (`pluggable`, `cpo`, `cpo-internal-laser`)
  /// when the report gives it, otherwise from its name (`...cpo...`, `...pluggable...`).
  /// Other scenarios take the neutral colours in the order given by `index`.
  package static func side(name: String, optics: String? = nil, index: Int = 0) -> Side {
    if let optics {
      if optics.hasPrefix("cpo") { return .cpo }
      if optics == "pluggable" { return .pluggable }
    }
    let lower = name.lowercased()
    if lower.contains("cpo") || lower.contains("co-packaged") { return .cpo }
    if lower.contains("pluggable") { return .pluggable }
    return .other(index)
  }

  package static func colour(_ side: Side) -> String {
    switch side {
    case .pluggable: pluggable
    case .cpo: cpo
    case let .other(i): others[((i % others.count) + others.count) % others.count]
    }
  }

  /// Colours for several scenarios: each by its side; two scenarios that land on the same side
  /// (two CPO variants) get a neutral colour for the later one so they stay apart.
  package static func colours(names: [String], optics: [String: String] = [:]) -> [String: String] {
    var used: Set<String> = []
    var result: [String: String] = [:]
    var otherIndex = 0
    for name in names {
      var colour = colour(side(name: name, optics: optics[name], index: otherIndex))
      if used.contains(colour) {
        repeat {
          colour = others[otherIndex % others.count]
          otherIndex += 1
        } while used.contains(colour) && otherIndex < 2 * others.count
      } else if case .other = side(name: name, optics: optics[name], index: otherIndex) {
        otherIndex += 1
      }
      used.insert(colour)
      result[name] = colour
    }
    return result
  }

  /// A lighter tint of a `#rrggbb` colour (`amount` 0: same, 1: white), for bands and the
  /// lower ends of tornado bars.
  package static func tint(_ hex: String, _ amount: Double) -> String {
    guard hex.count == 7, let value = Int(hex.dropFirst(), radix: 16) else { return hex }
    let raw: [Int] = [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]
    let channels: [Int] = raw.map { c in
      let d = Double(c)
      return Int((d + (255 - d) * amount).rounded())
    }
    return "#" + channels.map { String(format: "%02x", $0) }.joined()
  }
}
