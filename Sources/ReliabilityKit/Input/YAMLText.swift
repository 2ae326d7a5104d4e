import Foundation

/// Text that cposim writes into YAML itself (a calibrated or posterior scenario, `recurrent
/// --evidence` items): a path or name becomes a plain scalar only when it is one as it stands,
/// and a double-quoted, escaped scalar otherwise, so a name holding a newline, a colon or a quote
/// can never add a key; comments hold no line break. The one quoting routine of the package.
package enum YAMLText {
  /// Characters of a plain scalar that YAML reads back as the same string.
  static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-")

  /// Plain words YAML 1.1 reads as null or a boolean (compared in lower case).
  static let special: Set<String> = ["", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"]

  /// `text` as a YAML scalar that reads back as exactly `text` (a string): plain when it is a
  /// safe word that starts with a letter, `_` or `/` and is no number, null or boolean; else
  /// ``quoted(_:)``.
  package static func scalar(_ text: String) -> String {
    let isPlain = text.allSatisfy(plain.contains) && !special.contains(text.lowercased()) && Double(text) == nil
      && text.first.map { $0.isLetter || $0 == "_" || $0 == "/" } == true
    return isPlain ? text : quoted(text)
  }

  /// A double-quoted YAML scalar with backslash escapes for quotes, backslashes and every
  /// character that is not printable, breaks a line (also U+0085, U+2028, U+2029) or is an
  /// invisible format character (bidirectional overrides, zero-width joiners, U+FEFF).
  package static func quoted(_ text: String) -> String {
    "\"" + escaped(text, quote: "\"") + "\""
  }

  /// `text` with backslash escapes for `quote`, backslashes, tabs, line breaks and every
  /// character ``needsEscape(_:)`` names: the body of a YAML double-quoted scalar (quote `"`) or
  /// of a bash `$'...'` string (quote `'`), which read these escapes alike.
  private static func escaped(_ text: String, quote: Unicode.Scalar) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case quote: out += "\\" + String(quote)
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if needsEscape(scalar) {
          out += escape(scalar)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// Control characters, DEL, YAML's line breaks beyond CR and LF, and format characters.
  static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
      || scalar.properties.generalCategory == .format
  }

  /// One character as a YAML (and bash $'...') escape: \xXX, \uXXXX or \UXXXXXXXX.
  static func escape(_ scalar: Unicode.Scalar) -> String {
    switch scalar.value {
    case ...0xFF: String(format: "\\x%02X", scalar.value)
    case ...0xFFFF: String(format: "\\u%04X", scalar.value)
    default: String(format: "\\U%08X", scalar.value)
    }
  }

  /// An argument as a shell reads it back: bare when it is safe, in single quotes otherwise, and
  /// as $'...' with escapes when it holds a control character or line break.
  package static func shellQuoted(_ argument: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-=:,%@")
    if !argument.isEmpty, argument.allSatisfy(safe.contains) { return argument }
    guard argument.unicodeScalars.contains(where: needsEscape) else {
      return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
    return "$'" + escaped(argument, quote: "'") + "'"
  }

  /// `text` with every character that would end a YAML comment line escaped.
  package static func commentSafe(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) {
        out += escape(scalar)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
