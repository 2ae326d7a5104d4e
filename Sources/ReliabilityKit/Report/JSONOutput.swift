import Foundation

/// The one JSON encoder of cposim: sorted keys, pretty printed, snake_case keys, so that diffs
/// are stable and keys read well in pandas. Non-finite numbers are never written: types encode
/// them as `null` (see `FiniteOrNull`), and the encoder would throw on any that slipped through.
public enum JSONOutput {
  /// The report encoder: sorted snake_case keys, pretty printed, slashes unescaped.
  public static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return encoder
  }

  /// Encodes `value` as UTF-8 JSON text with a final newline.
  public static func string(_ value: some Encodable) throws -> String {
    String(decoding: try encoder().encode(value), as: UTF8.self) + "\n"
  }

  /// Writes `value` as JSON to `url` as an `OutputFile`: atomically over a regular file (a reader
  /// never sees a half-written file), through a symbolic link, device or FIFO.
  public static func write(_ value: some Encodable, to url: URL) throws {
    try OutputFile(url.path, option: "-o").writeJSON(value)
  }
}

/// A number that encodes as JSON `null` when it is NaN or infinite, instead of failing.
public struct FiniteOrNull: Encodable, Equatable, Sendable {
  /// The number; written as `null` when not finite.
  public let value: Double
  /// Wraps `value`.
  public init(_ value: Double) { self.value = value }

  /// Writes the number, or `null` when it is NaN or infinite.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
  }
}

/// An optional that encodes as JSON `null` when absent (the default encoder leaves the key out).
public struct Nullable<Wrapped: Encodable & Sendable>: Encodable, Sendable {
  /// The value, or nil (written as `null`).
  public let value: Wrapped?
  /// Wraps `value`.
  public init(_ value: Wrapped?) { self.value = value }

  /// Writes the value, or `null` when nil.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if let value { try container.encode(value) } else { try container.encodeNil() }
  }
}

extension JSONOutput {
  /// A compact encoder for NDJSON lines: sorted snake_case keys, one object per line.
  public static func lineEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return encoder
  }
}
