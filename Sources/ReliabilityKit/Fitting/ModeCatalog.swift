import Foundation

/// A part for the catalog (FailureData/parts.yaml format) with one failure mode per mode of a
/// field log, each the best converged fit by AIC of that mode with the other modes' failures
/// censored (competing risks).
package enum ModeCatalog {
  /// A catalog id from free text: lower case, words joined by '-', starting with a letter.
  package static func kebab(_ text: String) -> String {
    var result = ""
    for character in text.lowercased() {
      if character.isLetter && character.isASCII || character.isNumber && character.isASCII {
        result.append(character)
      } else if !result.isEmpty, result.last != "-" {
        result.append("-")
      }
    }
    while result.last == "-" { result.removeLast() }
    while let first = result.first, !first.isLetter { result.removeFirst() }
    return result
  }

  /// The part block, indented to paste under `parts:`.
  /// - Parameters:
  ///   - partID: the part id (kebab-case).
  ///   - modes: each mode name with its analysis.
  ///   - source: the log, as the user named it.
  ///   - units: the number of units in the log.
  package static func partYAML(partID: String, modes: [(mode: String, analysis: FitAnalysis)], source: String, units: Int) -> String {
    let failures = modes.reduce(0) { $0 + $1.analysis.data.failures }
    var lines = [
      "# fitted by cposim fit \(source) --by-mode: \(units) units, \(failures) failures in \(modes.count) modes;",
      "# each mode is its best converged fit by AIC, the other modes' failures censored (competing risks).",
      "# Set fru, power_w, unit_cost_usd, and each mode's effect and fix; cite the log in SOURCES.md and use its key as source.",
      "  \(partID):",
      "    description: \"fitted from \(yamlEscaped(source)) by cposim fit --by-mode\"",
      "    fru: \(partID)",
      "    power_w: 0          # not in a failure log: set it",
      "    unit_cost_usd: 0    # not in a failure log: set it",
      "    source: estimate    # replace with the SOURCES.md key of this log",
      "    note: \"\(modes.count) failure modes fitted from \(yamlEscaped(source)) (\(units) units, \(failures) failures)\"",
      "    modes:",
    ]
    var written = 0
    for (mode, analysis) in modes {
      let id = kebab(mode).isEmpty ? "mode-\(written + 1)" : kebab(mode)
      // The best fit the catalog takes: one it would refuse (a sigma of 15) is never written.
      guard let best = analysis.ranked.first(where: { $0.fit.catalogDistribution != nil }), let spec = best.fit.catalogDistribution else {
        if let refused = analysis.best {
          lines.append("      # \(id): no fit the catalog takes (\(refused.fit.family.rawValue), the best: \(refused.fit.catalogProblem ?? "no catalog form")); not written")
        } else {
          let reason = analysis.notConverged.first?.problem ?? analysis.unfitted.first?.reason ?? "no fit"
          lines.append("      # \(id): no fit converged (\(reason)); not written")
        }
        continue
      }
      written += 1
      var note = "\(best.fit.family.rawValue) MLE from \(analysis.data.failures) failures"
      if let refused = analysis.best, refused.fit.family != best.fit.family {
        note += "; best by AIC was \(refused.fit.family.rawValue), which the catalog refuses"
      }
      if id != mode { note += "; mode '\(mode)' in the log" }
      if let test = analysis.weibullVsExponential {
        note += String(format: "; constant hazard p = %.2g", test.pValue)
      }
      lines += [
        "      \(id):",
        "        distribution: \(spec)",
        "        effect: hard",
        "        fix: replace",
        "        note: \"\(note)\"",
      ]
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func yamlEscaped(_ text: String) -> String {
    printable(text).replacingAll("\"", with: "\\\"")
  }

  /// `text` with backslashes and control characters escaped (`\\`, `\n`, `\u001b`, as YAML writes them), so a file
  /// name cannot break a line of output, a YAML string or a comment.
  package static func printable(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      default:
        if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
          result += scalar.value > 0xFFFF ? String(format: "\\U%08x", scalar.value) : String(format: "\\u%04x", scalar.value)
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result
  }
}
