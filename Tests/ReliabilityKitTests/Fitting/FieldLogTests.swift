import Foundation
import Testing
import ReliabilityKit

@Suite("Field logs")
struct FieldLogTests {
  func errors(_ text: String) -> [String] {
    do {
      _ = try FieldLog.parse(text, file: "log.csv")
      return []
    } catch {
      return error.errors.map(\.description)
    }
  }

  @Test("reads hours, durations and timestamps, with comments and quoted fields")
  func reads() throws {
    let log = try FieldLog.parse("""
      # synthetic
      id,time,failed,mode
      a,2d,true,laser
      "b,1",30m,no,
      """, file: "log.csv")
    #expect(log.rows.map(\.observation) == [.init(.failed(at: 48)), .init(.censored(at: 0.5))])
    #expect(log.rows[1].id == "b,1" && log.rows[0].mode == "laser")
    let stamps = try FieldLog.parse("id,installed,removed,failed\nx,2024-03-01T00:00:00Z,2024-03-02T12:00:00Z,1\n", file: "t.csv")
    #expect(stamps.rows[0].observation == .init(.failed(at: 36)))
    let sample = log.sample(mode: "laser")
    #expect(sample.failures == [48] && sample.censored == [0.5])
  }

  @Test("issue 17: CRLF line ends (and a byte-order mark) read like LF")
  func crlf() throws {
    let text = "id,hours,failed\r\na,10,true\r\nb,20,true\r\nc,30,false\r\n"
    let log = try FieldLog.parse(text, file: "log.csv")
    #expect(log.rows.count == 3)
    #expect(try FieldLog.parse("\u{FEFF}" + text, file: "log.csv").rows.count == 3)
    // Errors on a CRLF file still name the right line.
    #expect(errors("id,hours,failed\r\na,10,true\r\nb,-1,true\r\n") == ["log.csv:3: hours: age at the end of observation must not be negative (got -1 h)"])
  }

  @Test("issue 17: a column named twice is refused at the header, naming both fields")
  func duplicateColumns() {
    #expect(errors("id,hours,failed,hours\na,10,true,5\n") == ["log.csv:1: hours: column 'hours' appears twice (fields 2 and 4); each column must appear once"])
    #expect(errors("id,hours,failed,FAILED\na,10,true,false\n").first?.hasPrefix("log.csv:1: failed: column 'failed' appears twice") == true)
  }

  @Test("delayed entry: an entered age in hours or as a duration, or observed_from with timestamps")
  func delayedEntry() throws {
    let log = try FieldLog.parse("""
      id,entered,time,failed
      a,1000,1500h,true
      b,0,2y,false
      """, file: "log.csv")
    #expect(log.rows.map(\.observation) == [.init(entry: 1000, .failed(at: 1500)), .init(entry: 0, .censored(at: 17_520))])
    let durations = try FieldLog.parse("id,entered,hours,failed\na,1y,9000,false\nb,2d,100,true\n", file: "log.csv")
    #expect(durations.rows.map(\.observation.entry) == [8760, 48])
    // A window opening on 2024-01-01: a unit installed 10 days before it enters at age 240 h; one
    // installed later is observed from new.
    let window = try FieldLog.parse("""
      id,installed,observed_from,removed,failed
      a,2023-12-22,2024-01-01,2024-01-11,true
      b,2024-01-05,2024-01-01,2024-01-06,false
      c,2023-12-31,,2024-01-02,false
      """, file: "log.csv")
    #expect(window.rows.map(\.observation) == [.init(entry: 240, .failed(at: 480)), .init(entry: 0, .censored(at: 24)),
                                               .init(entry: 0, .censored(at: 48))])
  }

  @Test("inspections: failed_after and failed_before as ages or timestamps; failed_before alone is left-censored")
  func inspections() throws {
    let log = try FieldLog.parse("""
      id,entered,hours,failed,failed_after,failed_before
      a,0,,true,100,200
      b,50,,true,,300
      c,0,400,false,,
      d,10,,true,20,20
      e,100,,true,20,500
      """, file: "log.csv")
    #expect(log.rows.map(\.observation) == [
      .init(entry: 0, .failedBetween(after: 100, before: 200)),
      .init(entry: 50, .failedBefore(300)),
      .init(entry: 0, .censored(at: 400)),
      .init(entry: 10, .failed(at: 20)),
      .init(entry: 100, .failedBetween(after: 20, before: 500)),
    ])
    // A last check before entry is weaker than survival to entry: the interval starts at entry.
    #expect(log.rows[4].observation.interval == (100, 500))
    let stamps = try FieldLog.parse("""
      id,installed,removed,failed,failed_after,failed_before
      a,2024-01-01,,true,2024-01-02,2024-01-03
      """, file: "log.csv")
    #expect(stamps.rows[0].observation == .init(.failedBetween(after: 24, before: 48)))
    let data = log.data()
    #expect(data.exactFailures == 1 && data.intervalFailures == 3 && data.leftCensored == 1 && data.rightCensored == 1 && data.delayedEntries == 3)
  }

  @Test("every malformed row is reported with its line number, in one go")
  func allRowErrors() {
    let lines = errors("""
      id,hours,failed
      a,10,true
      b,-5,true
      c,abc,false
      d,7,maybe
      a,3,true
      e,1
      """)
    #expect(lines == [
      "log.csv:3: hours: age at the end of observation must not be negative (got -5 h)",
      "log.csv:4: hours: must be a number of hours (got 'abc')",
      "log.csv:5: failed: must be true or false (got 'maybe')",
      "log.csv:6: id: 'a' already appears on line 2",
      "log.csv:7: expected 3 fields (id, hours, failed), got 2",
    ])
  }

  @Test("bad delayed entry and inspections: every row reported with its field and value")
  func badEntryAndIntervals() {
    let lines = errors("""
      id,entered,hours,failed,failed_after,failed_before
      a,500,300,true,,
      b,0,,true,400,200
      c,,100,false,,
      d,100,,true,,80
      e,5y,100,false,,
      f,0,,false,10,20
      g,0,,true,10,
      h,0,50,true,10,100
      """)
    #expect(lines == [
      "log.csv:2: hours: a failure before entry: failed at age 300 h, but observation started at age 500 h",
      "log.csv:3: failed_after: interval with lower above upper: failed_after 400 h is after failed_before 200 h",
      "log.csv:4: entered: entry without an age: give the unit's age when observation started (0 for a unit observed since new)",
      "log.csv:5: failed_before: a failure before entry: failed before age 80 h, but observation started at age 100 h",
      "log.csv:6: entered: '5y' is a duration with a unit, but the column's first value (line 2) is a bare number of hours; write every value of a column the same way",
      "log.csv:7: failed: 'failed_before' is given, so the unit failed: 'failed' must be true (got 'false')",
      "log.csv:8: failed_after: a failure found after 10 needs 'failed_before', the inspection that found it; a unit still working then is censored (failed false)",
      "log.csv:9: hours: the unit left observation at age 50 h, before the inspection that found its failure (100 h)",
    ])
  }

  @Test("header problems: unknown column with a suggestion, missing columns, delayed entry given twice")
  func header() {
    #expect(errors("id,hour,failed\na,1,true\n").first?.hasPrefix("log.csv:1: hour: unknown column 'hour' (did you mean 'hours'?)") == true)
    #expect(errors("id,hours\na,1\n") == ["log.csv:1: failed: missing column 'failed'"])
    #expect(errors("") == ["log.csv:1: the file is empty: expected a header row such as id,hours,failed,mode"])
    #expect(errors("id,hours,failed,observed_from\na,1,true,2024-01-01\n").first?.hasPrefix("log.csv:1: observed_from: 'observed_from' is a timestamp") == true)
    #expect(errors("id,hours,failed,failed_after\na,1,true,1\n") == ["log.csv:1: failed_after: 'failed_after' needs a 'failed_before' column: the inspection that found the failure"])
  }

  @Test("competing modes: another mode's failure is censored at the last age known free of this mode")
  func competingModes() throws {
    let log = try FieldLog.parse("""
      id,entered,hours,failed,failed_after,failed_before,mode
      a,0,100,true,,,laser
      b,0,,true,50,80,dirt
      c,20,,true,,90,dirt
      d,0,70,false,,,
      """, file: "log.csv")
    #expect(log.modes == ["dirt", "laser"])
    #expect(log.data(mode: "laser").observations == [.init(.failed(at: 100)), .init(.censored(at: 50)), .init(entry: 20, .censored(at: 20)),
                                                      .init(.censored(at: 70))])
    #expect(log.data(mode: "dirt").observations[0] == .init(.censored(at: 100)))
  }

  @Test("the shipped synthetic logs read and fit")
  func shippedLogs() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FailureData/field")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".csv") }
    #expect(files.count >= 5)
    for file in files {
      let log = try FieldLog.read(path: folder.appendingPathComponent(file).path)
      #expect(try MaximumLikelihood.fit(.weibull, data: log.data()).converged, "\(file)")
    }
  }
}
