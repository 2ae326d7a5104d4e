import Foundation
import Testing
@testable import ReliabilityKit

/// The repair desk resolves a ticket at its technician's dispatch (drain, hands-on and what the
/// end of the hands-on books, the technician's release as a known time) and decides a ticket
/// detected after no delay in the failure's own event. Checked against the step-wise desk it
/// replaced (`resolvesAtDispatch = false`: an event for each of detected, drained, hands-on
/// done and verified), trial by trial, on scenarios where the resources bind (one or two
/// technicians, 8x5 shifts, stocked spare pools with stock-outs, clean-first with spares going
/// back, no-fault-found, collateral, drains first, rework to a stocked pool, leave-dark boards
/// with spare ports, absorbed failures, lemons, degradation caught first, frozen ageing) with
/// continuous durations (no ties), and on the shipped presets: the same `TrialOutcome`, every
/// count and hour, but for the event count, which must drop.
@Suite("Engine: repairs resolved at dispatch against the step-wise desk")
struct RepairResolvedTests {
  /// Runs trial `trial` with the resolving or the step-wise desk.
  static func run(_ simulation: Simulation, trial: Int, seed: UInt64, resolved: Bool) -> TrialOutcome {
    var t = Trial(layout: simulation.layout, scenario: simulation.scenario, seeds: SeedSequence(master: seed), trial: trial)
    t.desk.resolvesAtDispatch = resolved
    return t.run()
  }

  /// Compares the two desks over `trials` trials; returns the summed outcomes' counts that
  /// show which paths were taken (step-wise runs), and both event totals.
  static func compare(_ simulation: Simulation, trials: Int, seed: UInt64,
                      sourceLocation: SourceLocation = #_sourceLocation) -> (sum: TrialOutcome, events: (resolved: Int, stepwise: Int)) {
    var sum = TrialOutcome()
    var events = (resolved: 0, stepwise: 0)
    var same = 0
    for trial in 0..<trials {
      var a = run(simulation, trial: trial, seed: seed, resolved: true)
      let b = run(simulation, trial: trial, seed: seed, resolved: false)
      events.resolved += a.events
      events.stepwise += b.events
      a.events = b.events
      if a == b { same += 1 } else {
        Issue.record("trial \(trial): the resolved desk's outcome differs\n\(differences(a, b))", sourceLocation: sourceLocation)
      }
      sum.technicianWaitHours += b.technicianWaitHours
      sum.spareWaitHours += b.spareWaitHours
      sum.stockouts += b.stockouts
      sum.noFaultFound += b.noFaultFound
      sum.collateral += b.collateral
      sum.drains += b.drains
      sum.reworks += b.reworks
      sum.cleaned += b.cleaned
      sum.replaced += b.replaced
      sum.remappedLinks += b.remappedLinks
      sum.absorbed += b.absorbed
      sum.proactiveRepairs += b.proactiveRepairs
      sum.degradationsCaught += b.degradationsCaught
      sum.deferralHours += b.deferralHours
      sum.dispatches += b.dispatches
    }
    #expect(same == trials, sourceLocation: sourceLocation)
    return (sum, events)
  }

  /// The fields of two outcomes that differ, for the failure message.
  static func differences(_ a: TrialOutcome, _ b: TrialOutcome) -> String {
    var lines: [String] = []
    for (x, y) in zip(Mirror(reflecting: a).children, Mirror(reflecting: b).children) where "\(x.value)" != "\(y.value)" {
      lines.append("  \(x.label ?? "?"): resolved \(x.value), step-wise \(y.value)")
    }
    return lines.joined(separator: "\n")
  }

  static let job = """
    jobs:
      - {name: train, gpus: 448, checkpoint_interval: 1h, restart_overhead: 10m, uplink_interrupt_probability: 0.5}
    """

  @Test("pluggable fabric: two technicians on 8x5 shifts, stocked pools running out, clean-first, no-fault-found, collateral, rework with a drain, lemons")
  func pluggableContended() throws {
    let s = try scenario("""
      horizon: 1y
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable}
      \(Self.job)
      parts:
        pluggable-800g:
          lemon: {probability: 0.02, flap_multiplier: 2000}
          modes: {laser: {distribution: {kind: exponential, mtbf: 40000h}}, contamination: {distribution: {kind: exponential, mtbf: 40000h}},
                  flap: {distribution: {kind: exponential, mtbf: 200000h}}}
        switch-board: {modes: {hardware: {distribution: {kind: exponential, mtbf: 3000h}}}}
      repair:
        detection: {kind: lognormal, median: 10m, sigma: 1}
        verification: {kind: lognormal, median: 15m, sigma: 0.5}
        technicians: {count: 2, shift: 8x5}
        spares:
          pluggable-800g: {initial: 4, reorder_point: 2, reorder_quantity: 4, lead_time: 3d}
          switch-board: {initial: 1, reorder_point: 0, reorder_quantity: 1, lead_time: 30d}
        workflows:
          pluggable-800g: {action: hot-swap, hands_on: {kind: lognormal, median: 20m, sigma: 0.5}, clean_first: true,
                           clean_success: 50%, no_fault_found: 0.2, collateral: 0.05,
                           proactive: {after_flaps: 3, within: 1000h, action: replace}}
          switch-board: {action: rma-rework, hands_on: {kind: lognormal, median: 1h, sigma: 0.5},
                         drain: {kind: lognormal, median: 20m, sigma: 0.5}, rma_turnaround: 2w}
      """)
    let (sum, events) = Self.compare(try Simulation(scenario: s), trials: 12, seed: 26)
    // The paths the comparison must have taken (else it checks nothing).
    #expect(sum.technicianWaitHours > 100 && sum.stockouts > 50 && sum.spareWaitHours > 100, "\(sum)")
    #expect(sum.noFaultFound > 20 && sum.collateral > 5 && sum.cleaned > 50 && sum.reworks > 5 && sum.drains > 5, "\(sum)")
    #expect(sum.proactiveRepairs > 0, "\(sum)")
    #expect(events.resolved < events.stepwise, "\(events)")
  }

  @Test("CPO fabric: one technician, no detection delay, boards left dark and remapped, swaps at windows, absorbed lanes, stocked boards and ELS")
  func cpoContended() throws {
    let s = try scenario("""
      horizon: 1y
      fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo, spare_ports: 8, spare_laser_lanes: 1}
      \(Self.job)
      parts:
        cpo-optical-engine: {modes: {engine: {distribution: {kind: exponential, mtbf: 20000h}}}}
        cpo-switch-board: {modes: {hardware: {distribution: {kind: exponential, mtbf: 4000h}}}}
        els-module: {modes: {laser: {distribution: {kind: exponential, mtbf: 4000h}}}}
      repair:
        detection: 0
        verification: {kind: lognormal, median: 20m, sigma: 0.7}
        technicians: {count: 1}
        maintenance_window: {every: 1w, duration: 4h, offset: 0}
        spares:
          cpo-switch-board: {initial: 2, reorder_point: 1, reorder_quantity: 2, lead_time: 10d}
          els-module: {initial: 3, reorder_point: 1, reorder_quantity: 3, lead_time: 5d}
        workflows:
          cpo-switch-board: {action: board-replace, hands_on: {kind: lognormal, median: 2h, sigma: 0.5},
                             drain: {kind: lognormal, median: 30m, sigma: 0.5}, collateral: 0.05,
                             modes: {engine: {when: leave-dark, swap_when_dark_exceeds: 16, remap_time: 10m}}}
          els-module: {action: hot-swap, hands_on: {kind: lognormal, median: 3h, sigma: 0.5}, collateral: 0.1,
                       no_fault_found: 0.1}
      """)
    let (sum, events) = Self.compare(try Simulation(scenario: s), trials: 12, seed: 27)
    #expect(sum.technicianWaitHours > 100 && sum.stockouts > 20 && sum.spareWaitHours > 100, "\(sum)")
    #expect(sum.noFaultFound > 10 && sum.collateral > 3 && sum.drains > 50 && sum.remappedLinks > 0 && sum.absorbed > 0, "\(sum)")
    #expect(sum.deferralHours > 0, "\(sum)")
    #expect(events.resolved < events.stepwise, "\(events)")
  }

  @Test("plain series system: three technicians, degradation caught first, a stocked pool with no-fault-found returns; and with frozen ageing")
  func systemContended() throws {
    let system = { (ageing: String) in """
      horizon: 2y
      ageing_while_down: \(ageing)
      parts:
        unit-part:
          fru: unit-fru
          source: estimate
          modes:
            wear: {distribution: {kind: weibull, shape: 1.5, scale: 1500h}, precursor: {probability: 0.3, lead_time: 5h}}
            glitch: {distribution: {kind: exponential, mtbf: 3000h}, fix: clean}
      system: {units: {u: {part: unit-part, count: 60}}, structure: {series: [u]}}
      repair:
        detection: 0
        verification: 0
        technicians: {count: 3}
        spares:
          unit-fru: {initial: 6, reorder_point: 3, reorder_quantity: 6, lead_time: 2d}
        workflows:
          unit-fru: {action: hot-swap, hands_on: {kind: lognormal, median: 8h, sigma: 0.6}, clean_first: true,
                     clean_success: 60%, no_fault_found: 0.3, act_on_degradation: true}
      """ }
    let (sum, events) = Self.compare(try Simulation(scenario: try scenario(system("continues"))), trials: 12, seed: 28)
    #expect(sum.technicianWaitHours > 100 && sum.stockouts > 20 && sum.spareWaitHours > 10, "\(sum)")
    #expect(sum.noFaultFound > 20 && sum.cleaned > 20 && sum.degradationsCaught > 20, "\(sum)")
    #expect(events.resolved < events.stepwise, "\(events)")
    // Frozen: while a unit is down the others' clocks stop (only planned swaps overlap).
    let frozen = Self.compare(try Simulation(scenario: try scenario(system("frozen"))), trials: 12, seed: 28)
    #expect(frozen.sum.noFaultFound > 20 && frozen.sum.degradationsCaught > 20, "\(frozen.sum)")
    #expect(frozen.events.resolved < frozen.events.stepwise, "\(frozen.events)")
  }

  @Test("the shipped 1k and 16k presets: the same outcome trial by trial, fewer events")
  func presets() throws {
    for (name, trials) in [("cluster-1k-pluggable", 16), ("cluster-1k-cpo-els", 16), ("cluster-16k-pluggable", 3), ("cluster-16k-cpo-els", 3)] {
      let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Scenarios/\(name).yaml").path
      let (sum, events) = Self.compare(try Simulation(scenario: try ScenarioLoader.load(path: path)), trials: trials, seed: 29)
      #expect(sum.dispatches > 0, "\(name)")
      #expect(events.resolved < events.stepwise, "\(name): \(events)")
    }
  }

  @Test("the technicians' known releases integrate the busy hours as releases by event do, whatever order they are held in")
  func technicianReleases() {
    // Four technicians; releases held at dispatch come back in time order, each at its own time.
    var lazy = TechnicianPool(size: 4), stepwise = TechnicianPool(size: 4)
    let work: [(at: Hours, until: Hours)] = [(0.5, 9.25), (1.0, 3.5), (1.25, 2.0), (2.5, 7.75), (4.0, 4.5), (8.0, 11.0), (8.5, 8.75)]
    var pending: [Hours] = []
    for (ticket, w) in work.enumerated() {
      // Step-wise: the releases due by now happen first, as events.
      for r in pending.sorted() where r <= w.at { stepwise.release(at: r) }
      pending.removeAll { $0 <= w.at }
      stepwise.enqueue(ticket, at: w.at)
      #expect(stepwise.dispatchNext(at: w.at) != nil)
      pending.append(w.until)
      lazy.enqueue(ticket, at: w.at)
      #expect(lazy.dispatchNext(at: w.at) != nil)
      lazy.hold(until: w.until)
    }
    #expect(lazy.busy == 3 && lazy.nextRelease == 8.75)
    for r in pending.sorted() where r <= 10 { stepwise.release(at: r) }
    stepwise.close(at: 10)
    lazy.close(at: 10)
    #expect(lazy.busyHours == stepwise.busyHours && lazy.busy == stepwise.busy && lazy.busy == 1)
    #expect(lazy.nextRelease == 11.0)
  }
}
