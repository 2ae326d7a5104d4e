import Foundation

/// A validator for the subset of JSON Schema (2020-12) that cposim's schemas use: type, const,
/// enum, required, properties, additionalProperties, items, minItems, minProperties, minimum,
/// exclusiveMinimum, pattern, allOf and local $ref. Returns every violation with its path.
struct JSONSchemaValidator {
  let root: [String: Any]

  init(schemaAt url: URL) throws {
    root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
  }

  func validate(_ instance: Any) -> [String] {
    var errors: [String] = []
    check(instance, against: root, path: "$", errors: &errors)
    return errors
  }

  private func resolve(_ schema: [String: Any]) -> [String: Any] {
    guard let ref = schema["$ref"] as? String, ref.hasPrefix("#/") else { return schema }
    var node: Any = root
    for part in ref.dropFirst(2).split(separator: "/") { node = (node as! [String: Any])[String(part)]! }
    return node as! [String: Any]
  }

  private func typeName(_ value: Any) -> String {
    switch value {
    case is NSNull: return "null"
    case let n as NSNumber:
      let objCType = String(cString: n.objCType)
      if objCType == "c" || objCType == "B" { return "boolean" }
      return n.doubleValue == n.doubleValue.rounded() && !"\(n)".contains(".") ? "integer" : "number"
    case is String: return "string"
    case is [Any]: return "array"
    case is [String: Any]: return "object"
    default: return "unknown"
    }
  }

  private func check(_ value: Any, against raw: [String: Any], path: String, errors: inout [String]) {
    let schema = resolve(raw)
    if let all = schema["allOf"] as? [[String: Any]] { for s in all { check(value, against: s, path: path, errors: &errors) } }
    if let type = schema["type"] {
      let allowed = (type as? [String]) ?? [type as! String]
      let actual = typeName(value)
      let ok = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
      if !ok { errors.append("\(path): type \(actual), expected \(allowed)"); return }
    }
    if let constant = schema["const"], "\(constant)" != "\(value)" { errors.append("\(path): expected \(constant), got \(value)") }
    if let options = schema["enum"] as? [Any], !options.contains(where: { "\($0)" == "\(value)" }) {
      errors.append("\(path): \(value) not in \(options)")
    }
    if let number = value as? NSNumber, typeName(value) != "boolean" {
      if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum { errors.append("\(path): \(number) < \(minimum)") }
      if let minimum = schema["exclusiveMinimum"] as? Double, number.doubleValue <= minimum { errors.append("\(path): \(number) <= \(minimum)") }
    }
    if let string = value as? String, let pattern = schema["pattern"] as? String,
       string.range(of: pattern, options: .regularExpression) == nil {
      errors.append("\(path): '\(string)' does not match \(pattern)")
    }
    if let object = value as? [String: Any] {
      for key in (schema["required"] as? [String]) ?? [] where object[key] == nil { errors.append("\(path): missing '\(key)'") }
      if let minimum = schema["minProperties"] as? Int, object.count < minimum { errors.append("\(path): fewer than \(minimum) properties") }
      let properties = (schema["properties"] as? [String: Any]) ?? [:]
      for (key, child) in object {
        if let sub = properties[key] as? [String: Any] {
          check(child, against: sub, path: "\(path).\(key)", errors: &errors)
        } else if let additional = schema["additionalProperties"] {
          if let allowed = additional as? Bool { if !allowed { errors.append("\(path): unexpected key '\(key)'") } }
          else if let sub = additional as? [String: Any] { check(child, against: sub, path: "\(path).\(key)", errors: &errors) }
        }
      }
    }
    if let array = value as? [Any] {
      if let minimum = schema["minItems"] as? Int, array.count < minimum { errors.append("\(path): fewer than \(minimum) items") }
      if let items = schema["items"] as? [String: Any] {
        for (i, item) in array.enumerated() { check(item, against: items, path: "\(path)[\(i)]", errors: &errors) }
      }
    }
  }
}
