import Testing
import ReliabilityKit

@Suite("Units")
struct UnitsTests {
  static let durationCases: [(String, Double)] = [
    ("30s", 30.0 / 3600), ("5m", 5.0 / 60), ("2.5h", 2.5), ("1000 h", 1000), ("3d", 72), ("1w", 168),
    ("5y", 43_800), ("1e3h", 1000), ("0", 0), (" 4h ", 4),
  ]

  @Test("durations convert to hours", arguments: durationCases)
  func durations(text: String, hours: Double) throws {
    #expect(close(try Units.hours(from: text), hours, 1e-15))
  }

  static let badDurationCases: [(String, String)] = [
    ("1000", "'1000' has no unit: write it as 1000h, 1000d or 1000y (units: s, m, h, d, w, y)"),
    ("5 fortnights", "unknown duration unit 'fortnights' in '5 fortnights' (units: s, m, h, d, w, y)"),
    ("h", "expected a duration such as 30m, 4h or 5y (got 'h')"),
    ("", "expected a duration such as 30m, 4h or 5y, but the value is empty"),
    ("infh", "expected a duration such as 30m, 4h or 5y (got 'infh')"),
  ]

  @Test("bad durations give a clear error", arguments: badDurationCases)
  func badDurations(text: String, message: String) {
    #expect { try Units.hours(from: text) } throws: { "\($0)" == message }
  }

  static let rateCases: [(String, Double)] = [
    ("1%/yr", 0.01 / 8760), ("1 %/y", 0.01 / 8760), ("1140 FIT", 1140e-9), ("1140fit", 1140e-9),
    ("6.5e-3/d", 6.5e-3 / 24), ("0.2/h", 0.2), ("2/w", 2.0 / 168), ("3/yr", 3.0 / 8760),
  ]

  @Test("rates convert to failures per hour", arguments: rateCases)
  func rates(text: String, perHour: Double) throws {
    #expect(close(try Units.ratePerHour(from: text), perHour, 1e-15))
  }

  @Test("bad rates give a clear error", arguments: ["1", "1%", "abc FIT", "3/fortnight"])
  func badRates(text: String) {
    #expect(throws: UnitError.self) { try Units.ratePerHour(from: text) }
  }

  @Test("intervals of durations")
  func intervals() throws {
    #expect(try Units.hoursRange(from: "0..5y") == 0...43_800)
    #expect(try Units.hoursRange(from: "100h..inf") == 100...Double.infinity)
    #expect(throws: UnitError.badInterval(text: "5y..1y")) { try Units.hoursRange(from: "5y..1y") }
    #expect(throws: UnitError.badInterval(text: "5y")) { try Units.hoursRange(from: "5y") }
  }
}
