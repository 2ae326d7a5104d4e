import Foundation
import Testing
import ReliabilityKit

@Suite("Recurrent-event logs")
struct RecurrentLogTests {
  func errors(_ text: String) -> [String] {
    do {
      _ = try RecurrentLog.parse(text, file: "log.csv")
      return []
    } catch {
      return error.errors.map(\.description)
    }
  }

  @Test("reads ages and durations, units without events, windows given once, events in age order")
  func readsAges() throws {
    let log = try RecurrentLog.parse("""
      # synthetic
      unit,entered,exited,time,mode,unit_class
      a,0,1000,700,dirt,port
      a,,,300,laser,
      b,100,2000,,,port
      "c,1",24,48,36,dirt,
      """, file: "log.csv")
    #expect(log.clock == .ages)
    #expect(log.units.map(\.id) == ["a", "b", "c,1"])
    #expect(log.units[0].events.map(\.age) == [300, 700] && log.units[0].events.map(\.mode) == ["laser", "dirt"])
    #expect(log.units[0].events.map(\.line) == [4, 3])
    #expect(log.units[1].events.isEmpty && log.units[1].entry == 100 && log.units[1].unitClass == "port")
    #expect(log.units[2].entry == 24 && log.units[2].exit == 48 && log.units[2].events.map(\.age) == [36])
    #expect(log.modes == ["dirt", "laser"] && log.classes == ["port"] && log.eventCount == 3)
    let data = log.data(mode: "dirt")
    #expect(data.units.map(\.events) == [[700], [], [36]])
    #expect(data.exposure == 1000 + 1900 + 24 && data.delayedEntries == 2)
    #expect(log.data(unitClass: "port").units.count == 2)
    #expect(log.data(excluding: ["a"]).units.map(\.id) == ["b", "c,1"])
    let durations = try RecurrentLog.parse("unit,entered,exited,time\na,0,1y,26w\nb,2d,1y,\n", file: "log.csv")
    #expect(durations.units.map(\.exit) == [8760, 8760] && durations.units[0].events[0].age == 26 * 168 && durations.units[1].entry == 48)
  }

  @Test("timestamps: ages from 'installed', or from entry without it, and the calendar window kept")
  func readsTimestamps() throws {
    let installed = try RecurrentLog.parse("""
      unit,installed,entered,exited,time
      a,2023-01-01,2024-01-01,2024-01-11,2024-01-02T12:00:00Z
      b,2024-01-05T00:00:00Z,2024-01-05T00:00:00Z,2024-01-11,
      """, file: "t.csv")
    #expect(installed.clock == .installed)
    #expect(installed.units[0].entry == 8760 && installed.units[0].exit == 8760 + 240 && installed.units[0].events[0].age == 8760 + 36)
    #expect(installed.units[1].entry == 0 && installed.units[1].exit == 144)
    let fromEntry = try RecurrentLog.parse("unit,entered,exited,time\na,2024-01-01,2024-01-11,2024-01-02\n", file: "t.csv")
    #expect(fromEntry.clock == .entered && fromEntry.units[0].entry == 0 && fromEntry.units[0].events[0].age == 24)
    #expect(fromEntry.units[0].entered == ISO8601DateFormatter().date(from: "2024-01-01T00:00:00Z"))
  }

  @Test("observation ending at an event is failure-truncated")
  func failureTruncated() throws {
    let log = try RecurrentLog.parse("unit,entered,exited,time\na,0,500,500\na,,,200\nb,0,500,100\n", file: "log.csv")
    #expect(log.units[0].failureTruncated && !log.units[1].failureTruncated)
    #expect(log.data().failureTruncatedUnits == 1)
  }

  @Test("rejects each bad row with file:line, the column and the value", arguments: [
    ("unit,entered,exited,time\na,100,50,\n",
     "log.csv:2: exited: the window ends before it starts: exited 50 h is before entered 100 h"),
    ("unit,entered,exited,time\na,100,100,\n",
     "log.csv:2: exited: the window has zero length (entered and exited are both 100 h): a unit must be observed for some time"),
    ("unit,entered,exited,time\na,100,500,100\n",
     "log.csv:2: time: an event at or before entry: 100 h, but unit 'a' entered observation at 100 h (line 2); an event must fall after entry, up to exit"),
    ("unit,entered,exited,time\na,100,500,200\na,,,600\n",
     "log.csv:3: time: an event after exit: 600 h, but unit 'a' left observation at 500 h (line 2)"),
    ("unit,entered,exited,time\na,0,500,200\na,0,400,300\n",
     "log.csv:3: exited: unit 'a' has exited '500' on line 2 and '400' here; give each unit one window and class (or leave them empty after its first row)"),
    ("unit,entered,exited,time\na,0,500,2y\n",
     "log.csv:2: time: '2y' is a duration with a unit, but the first age of the log (line 2) is a bare number of hours; write every age the same way"),
    ("unit,entered,exited,time\na,0,500,2024-01-01\n",
     "log.csv:2: time: '2024-01-01' is a timestamp, but this log gives ages (the first 'exited', line 2, is an age); write every time the same way"),
    ("unit,entered,exited,time,mode\na,0,500,,laser\n",
     "log.csv:2: time: is empty, but 'mode' is 'laser': an event needs its time (a row without an event leaves both empty)"),
    ("unit,entered,exited,time\na,,500,\n",
     "log.csv:2: entered: is empty: the first row of unit 'a' must give its window (entered and exited)"),
    ("unit,entered,exited,time\n,0,500,\n", "log.csv:2: unit: is empty"),
    ("unit,entered,exited,time\na,0,-5,\n", "log.csv:2: exited: must not be negative (got -5 h)"),
    ("unit,entered,exited,time\na,0,500\n", "log.csv:2: expected 4 fields (unit, entered, exited, time), got 3"),
    ("unit,entered,exited,time\na,2024-01-01,2024-02-01,yesterday\n",
     "log.csv:2: time: must be an ISO 8601 time such as 2024-03-01T08:00:00Z, as the log's first 'exited' (line 2) is (got 'yesterday')"),
    ("unit,installed,entered,exited,time\na,2024-02-01,2024-01-01,2024-03-01,\n",
     "log.csv:2: entered: is before the unit was installed (2024-02-01)"),
  ])
  func rejects(text: String, message: String) {
    #expect(errors(text) == [message])
  }

  @Test("the header: missing and unknown columns, a lifetime log named as such, a column twice")
  func header() {
    #expect(errors("unit,entered,time\n") == ["log.csv:1: exited: missing column 'exited'"])
    #expect(errors("unit,entered,exited,time,mod\n") == [
      "log.csv:1: mod: unknown column 'mod' (did you mean 'mode'?); columns: unit, unit_class, installed, entered, exited, time, mode",
    ])
    let lifetime = errors("id,hours,failed\na,10,true\n")
    #expect(lifetime.contains { $0.contains("unknown column 'failed'") && $0.contains("a lifetime log for cposim fit") })
    let recurrent = (try? FieldLog.parse("unit,entered,exited,time\na,0,10,5\n", file: "f.csv")) == nil
    #expect(recurrent)
    do { _ = try FieldLog.parse("unit,entered,exited,time\n", file: "f.csv") } catch {
      #expect(error.errors.contains { $0.message.contains("cposim recurrent reads it") })
    }
    #expect(errors("unit,entered,exited,time,time\n").first == "log.csv:1: time: column 'time' appears twice (fields 4 and 5); each column must appear once")
    #expect(errors("") == ["log.csv:1: the file is empty: expected a header row such as unit,entered,exited,time,mode"])
  }

  @Test("every bad row is reported at once, in line order, and CRLF files name the right lines")
  func allAtOnce() {
    let found = errors("unit,entered,exited,time\r\na,0,100,200\r\nb,0,100,50\r\nc,50,10,\r\nd,0,100,-1\r\n")
    #expect(found.map { $0.split(separator: ":").prefix(2).joined(separator: ":") } == ["log.csv:2", "log.csv:4", "log.csv:5"])
  }

  @Test("the shipped synthetic logs read, with the counts their headers state")
  func shipped() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FailureData/field/recurrent")
    for name in ["synthetic-ports.csv", "synthetic-ports-lemons.csv"] {
      let log = try RecurrentLog.read(path: folder.appendingPathComponent(name).path)
      #expect(log.units.count == 1200 && log.clock == .installed && log.modes == ["contamination", "laser"])
      #expect(log.classes == ["pluggable-800g-dr8"])
    }
  }
}
