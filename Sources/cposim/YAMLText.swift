import Foundation

/// Text written into YAML by cposim itself (the calibrated scenario): a path or name becomes a
/// plain scalar only when it is one as it stands, and a double-quoted, escaped scalar otherwise,
/// so a name holding a newline, a colon or a quote can never add a key; comments hold no line break.
enum YAMLText {
  /// Characters of a plain scalar that YAML reads back as the same string.
  static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-")

  /// `text` as a YAML scalar that reads back as exactly `text` (a string).
  static func scalar(_ text: String) -> String {
    let special = ["", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
                   "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"]
    let isPlain = text.allSatisfy(plain.contains) && !special.contains(text) && Double(text) == nil
      && !text.hasPrefix("-") && !text.hasPrefix(".")
    return isPlain ? text : quoted(text)
  }

  /// A double-quoted YAML scalar with backslash escapes for quotes, backslashes and every
  /// character that is not printable or breaks a line (also U+0085, U+2028, U+2029).
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if needsEscape(scalar) {
          out += scalar.value <= 0xFF ? String(format: "\\x%02X", scalar.value) : String(format: "\\u%04X", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// Control characters, DEL, and YAML's line breaks beyond CR and LF.
  static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
      || scalar.value == 0xFEFF
  }

  /// An argument as a shell reads it back: bare when it is safe, in single quotes otherwise, and
  /// as $'...' with escapes when it holds a control character or line break.
  static func shellQuoted(_ argument: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-=:,%@")
    if !argument.isEmpty, argument.allSatisfy(safe.contains) { return argument }
    guard argument.unicodeScalars.contains(where: needsEscape) else {
      return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
    var out = "$'"
    for scalar in argument.unicodeScalars {
      switch scalar {
      case "'": out += "\\'"
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if needsEscape(scalar) {
          out += scalar.value <= 0xFF ? String(format: "\\x%02X", scalar.value) : String(format: "\\u%04X", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "'"
  }

  /// `text` with every character that would end a YAML comment line escaped.
  static func commentSafe(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) {
        out += scalar.value <= 0xFF ? String(format: "\\x%02X", scalar.value) : String(format: "\\u%04X", scalar.value)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
