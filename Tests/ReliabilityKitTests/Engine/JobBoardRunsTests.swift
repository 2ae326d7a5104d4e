import Foundation
import Testing
@testable import ReliabilityKit

/// The job board reacts to the links a plant change moved a run at a time (a node's NIC links
/// at once, a leaf's uplinks at once, the links above a pod at once), and meets a leaf's
/// transition once, walking the leaf's nodes itself (`plantChanged`). Checked against the
/// link-by-link reaction it replaced (`linkByLink: true`, on the plant's changed links listed),
/// on the plant's changes for random failures, drains, flaps and repairs, with host failures,
/// repairs, restarts and swaps between them: after every step the three boards (the plant's,
/// the runs over the list, link by link) hold the same state (each job's node list in the same
/// order, the spare pool in the same order, every count) and returned the same output, and they
/// drew the same random numbers.
@Suite("Engine: the job board's reaction a run at a time against link by link")
struct JobBoardRunsTests {
  /// Two jobs on each fabric: one that loses a partly cut node (`interrupt`) and spans leaves and
  /// pods, one that keeps it (`degrade` or `swap-at-checkpoint`: its nodes go link by link) and
  /// tolerates short flaps; a few spares.
  static let cases: [(fabric: String, gpus: (Int, Int), policy: String)] = [
    ("topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo", (256, 128), "swap-at-checkpoint"),
    ("topology: leaf-spine, gpus: 256, switch_radix: 64, optics: pluggable, nic_homing: 2", (128, 64), "degrade"),
    ("topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable, rail_optimized: true, planes: 2", (256, 128), "degrade"),
    ("topology: leaf-spine, gpus: 256, switch_radix: 64, optics: cpo, nic_link: copper, uplink_overbuild: 2", (128, 64), "swap-at-checkpoint"),
    ("topology: three-tier-clos, gpus: 512, switch_radix: 16, optics: cpo", (256, 128), "degrade"),
  ]

  static func yaml(_ c: (fabric: String, gpus: (Int, Int), policy: String)) -> String {
    """
    fabric: {\(c.fabric)}
    node_pool: {spare_nodes: 6, spare_swap_time: 5m, host_repair: 3h}
    jobs:
      - {name: a, gpus: \(c.gpus.0), checkpoint_interval: 1h, restart_overhead: 10m, background_rate: 0.002/h, uplink_interrupt_probability: 0.5}
      - {name: b, gpus: \(c.gpus.1), checkpoint_interval: 30m, restart_overhead: 5m, background_rate: 0.002/h, placement: spread, min_nodes: 4, flap_tolerance: 1m, nic_loss: \(c.policy), plane_loss: \(c.policy)}

    """
  }

  @Test("random plant changes: the same node lists, spare pool, counts, output and draws",
        arguments: cases.indices)
  func runsMatchLinkByLink(index: Int) throws {
    let s = try scenario(Self.yaml(Self.cases[index]))
    let layout = try PlantLayout(scenario: s)
    let f = try #require(layout.fabric)
    var plant = Plant(layout: layout)
    var board = JobBoard(specs: s.jobs, pool: s.nodePool, fabric: f, months: 12)
    var runs = JobBoard(specs: s.jobs, pool: s.nodePool, fabric: f, months: 12)
    var reference = JobBoard(specs: s.jobs, pool: s.nodePool, fabric: f, months: 12)
    let source = RandomSource(seed: 2027)
    let boardSource = RandomSource(seed: 77), runsSource = RandomSource(seed: 77), referenceSource = RandomSource(seed: 77)
    var open: [Impact] = []
    var now: Hours = 0
    // What the boards asked to schedule: (time, kind, a, b), kind 0 a restart (job, token), 1 a
    // host repair (node), 2 a swap (job, run).
    var calendar: [(at: Hours, kind: Int, a: Int, b: Int)] = []
    var nodeChanges = 0, lostNodes = 0, uplinkChanges = 0, linkByLinkNodes = 0, leafNodeChanges = 0, leafLostNodes = 0
    func schedule(_ board: JobBoard) {
      for r in board.restarts { calendar.append((r.at, 0, r.job, r.token)) }
      for h in board.hostRepairs { calendar.append((h.at, 1, h.node, 0)) }
      for w in board.swaps { calendar.append((w.at, 2, w.job, w.run)) }
    }
    for step in 0..<6_000 {
      now += -log1p(-source.uniform()) * 0.5
      // What falls due first, in time order: both boards are told the same.
      while true {
        calendar.sort { $0.at < $1.at }
        guard let next = calendar.first, next.at <= now else { break }
        calendar.removeFirst()
        switch next.kind {
        case 0:
          board.restarted(next.a, token: next.b, at: next.at)
          runs.restarted(next.a, token: next.b, at: next.at)
          reference.restarted(next.a, token: next.b, at: next.at)
        case 1:
          board.hostRepaired(next.a, at: next.at)
          runs.hostRepaired(next.a, at: next.at)
          reference.hostRepaired(next.a, at: next.at)
        default:
          board.swapDue(next.a, run: next.b, at: next.at)
          runs.swapDue(next.a, run: next.b, at: next.at)
          reference.swapDue(next.a, run: next.b, at: next.at)
        }
        try #require(runs.snapshot == reference.snapshot, "step \(step): calendar \(next)")
        try #require(board.snapshot == reference.snapshot, "step \(step): calendar \(next)")
        schedule(runs)
      }
      if source.uniform() < 0.08 {
        let j = source.uniformInt(below: s.jobs.count)
        board.background(j, at: now, using: boardSource)
        runs.background(j, at: now, using: runsSource)
        reference.background(j, at: now, using: referenceSource)
        try #require(runs.snapshot == reference.snapshot, "step \(step): host failure of job \(j)")
        try #require(board.snapshot == reference.snapshot, "step \(step): host failure of job \(j)")
        schedule(runs)
        continue
      }
      let down = open.isEmpty || source.uniform() < (open.count < 40 ? 0.6 : 0.4)
      let impact: Impact
      if down {
        impact = PlantSwitchStateTests.randomImpact(f, using: source)
        open.append(impact)
      } else {
        let k = source.uniformInt(below: open.count)
        impact = open[k]
        open.swapAt(k, open.count - 1)
        open.removeLast()
      }
      let planned = source.uniform() < 0.2
      let flap: Hours? = source.uniform() < 0.25 ? source.uniform() / 30 : nil
      let origin: JobBoard.OutageOrigin
      switch impact {
      case let .switchDown(sw), let .redundancy(sw, _), let .ports(sw, _): origin = sw < f.leaves ? .leafSwitch : .other
      case .linkSet: origin = .nic
      default: origin = .other
      }
      guard plant.apply(impact, down: down, at: now) == .links else { continue }
      let switches = plant.switches
      let before = runs.snapshot
      board.plantChanged(plant, down: down, planned: planned, flap: flap, origin: origin, at: now, using: boardSource)
      runs.linksChanged(plant.changedLinks, down: down, planned: planned, flap: flap, origin: origin,
                        isolation: plant.isolationChanged, at: now, using: runsSource, leafDown: { switches[$0].down > 0 })
      reference.linksChanged(plant.changedLinks, down: down, planned: planned, flap: flap, origin: origin,
                             isolation: plant.isolationChanged, at: now, using: referenceSource,
                             leafDown: { switches[$0].down > 0 }, linkByLink: true)
      let after = runs.snapshot
      let what = "step \(step): \(impact) down \(down) planned \(planned) flap \(String(describing: flap))"
      try #require(after == reference.snapshot, "\(what) (runs)")
      try #require(board.snapshot == after, "\(what) (the leaf met once)")
      let draw = referenceSource.uniform()
      #expect(runsSource.uniform() == draw, "step \(step): the boards drew differently")
      #expect(boardSource.uniform() == draw, "step \(step): the boards drew differently")
      schedule(runs)
      // What the check covered.
      if after.nicsCut != before.nicsCut { nodeChanges += 1 }
      if after.uplinksDown != before.uplinksDown { uplinkChanges += 1 }
      lostNodes += zip(after.owner, before.owner).count { $0.0 != $0.1 && $0.1 >= 0 }
      linkByLinkNodes += zip(after.degradedCut, before.degradedCut).count { $0.0 != $0.1 }
      if plant.leafChange != nil {
        if after.nicsCut != before.nicsCut { leafNodeChanges += 1 }
        leafLostNodes += zip(after.owner, before.owner).count { $0.0 != $0.1 && $0.1 >= 0 }
      }
    }
    // The check exercised what it compares: nodes cut and restored, nodes lost by jobs, uplink
    // counts moved, and partly cut nodes of the second job (its link-by-link path).
    #expect(nodeChanges > 500, "\(nodeChanges) changes of NICs cut")
    #expect(lostNodes > 100, "\(lostNodes) nodes lost by jobs")
    #expect(uplinkChanges > 500, "\(uplinkChanges) changes of uplink counts")
    #expect(linkByLinkNodes > 20, "\(linkByLinkNodes) changes of degraded nodes")
    // And the leaves' transitions the board met once: nodes cut and restored, nodes lost.
    #expect(leafNodeChanges > 100, "\(leafNodeChanges) leaf transitions that moved NICs cut")
    #expect(leafLostNodes > 20, "\(leafLostNodes) nodes lost by jobs in leaf transitions")
  }
}
