import Foundation

/// Drawing failures: the binomial count of each population's units that fail within the
/// horizon, their first failures, the next failure after a repair, and what a failure does.
extension Trial {
  /// Each population's lemons and bad-lot units (from streams of their own), then, per variant,
  /// the binomial count of units failing within the horizon, which ones (Floyd), their start
  /// ages (over a commissioning ramp) and when.
  mutating func seedFirstFailures() {
    var first: [(payload: FailureEvent, time: Hours)] = []
    for (p, population) in layout.populations.enumerated() {
      let n = population.count
      guard n > 0 else { continue }
      var lemons: [Int] = [], lot: [Int] = []
      if let lemon = population.lemon, lemon.probability > 0 {
        let s = RandomSource(seed: seeds.seed(forTrial: trialIndex, stream: SeedSequence.streamKey("lemons:\(population.name)")))
        lemons = Self.distinctIndices(count: s.binomial(trials: n, probability: min(1, lemon.probability)), from: n, using: s)
      }
      if let badLot = population.badLot, badLot.fraction > 0 {
        let s = RandomSource(seed: seeds.seed(forTrial: trialIndex, stream: SeedSequence.streamKey("bad-lot:\(population.name)")))
        lot = Self.distinctIndices(count: min(n, Int((badLot.fraction * Double(n)).rounded())), from: n, using: s)
      }
      lemonsAtStart[p] = lemons.count
      let lemonSet = Set(lemons), lotSet = Set(lot)
      let special = Array(lemonSet.union(lotSet)).sorted()
      for variant in 0..<4 {
        let members: [Int]?  // nil: the units that are neither lemons nor from the bad lot
        let count: Int
        if variant == 0 {
          members = nil
          count = n - special.count
        } else {
          members = special.filter { (lemonSet.contains($0) ? 1 : 0) | (lotSet.contains($0) ? 2 : 0) == variant }
          count = members!.count
        }
        let model = population.variants[variant]
        let ages = population.rampAges?[variant]
        let probability = ages?.probabilityOfFailure ?? model.probabilityOfFailure(by: horizon, age: population.installedAge)
        guard probability > 0, count > 0 else { continue }
        let source = streams[p]
        let failing = source.binomial(trials: count, probability: min(probability, 1))
        // Without a ramp every unit starts at the same age: the modes' probabilities of firing
        // are the same for all of them, computed once here rather than per failing unit.
        let table = ages == nil && failing > 0 ? model.firstFailureTable(by: horizon, age: population.installedAge) : nil
        for position in Self.distinctIndices(count: failing, from: count, using: source) {
          let unit = members?[position] ?? Self.free(position, from: 0, excluding: special[...])
          // The unit's own substream (its draw 0): its start age, its first failure, its precursor.
          let draws = unitDraws(p, unit, 0, .lifetime)
          let age = ages?.sampleAge(using: draws) ?? population.installedAge
          let (time, mode) = table.map { model.sampleFirstFailure(table: $0, using: draws) }
            ?? model.sampleFirstFailure(by: horizon, age: age, using: draws)
          if variant != 0 || age != 0 { units[p][unit] = UnitState(renewedAt: -age, variant: UInt8(variant)) }
          first.append((FailureEvent(population: p, unit: unit, mode: mode, generation: 0), time))
          if let lead = precursorLead(population: p, mode: mode, using: draws), time - lead >= 0 {
            first.append((FailureEvent(population: p, unit: unit, mode: mode, generation: 0, precursor: true), time - lead))
          }
        }
      }
    }
    failureQueue.load(first, priority: .failure)
  }

  /// The lead time of a failure's detectable degradation, when the FRU is monitored and the
  /// failure shows one (drawn from `source`, the unit's substream of that lifetime).
  private mutating func precursorLead(population p: Int, mode: Int, using source: RandomSource) -> Hours? {
    let population = layout.populations[p]
    guard population.actOnDegradation, let precursor = population.precursors[mode] else { return nil }
    guard source.uniform() < precursor.probability else { return nil }
    return precursor.leadTime.sample(using: source)
  }

  /// Opens a repair ticket for unit `u` of population `p` at `now`: its substream key is the
  /// unit's ticket count so far, the ticket becomes the unit's open one and the count goes up
  /// (the one place that keeps the key and the count in step). The desk's effects are left for
  /// the caller to carry out.
  @discardableResult
  mutating func openTicket(_ p: Int, _ u: Int, mode: Int, impact: Impact, planned: Bool,
                           forced: RepairDesk.Forced? = nil, atWindow: Bool = false) -> Int {
    var state = units[p][u]
    let ticket = desk.open(population: p, unit: u, mode: mode, impact: impact, planned: planned,
                           age: operatingTime - state.renewedAt, at: now, key: ticketKey(p, u, state.tickets),
                           using: repairSource, forced: forced, atWindow: atWindow)
    state.openTicket = ticket
    state.tickets += 1
    units[p][u] = state
    return ticket
  }

  /// The `position`-th integer from `start` that is not in `excluded` (sorted).
  static func free(_ position: Int, from start: Int, excluding excluded: ArraySlice<Int>) -> Int {
    guard !excluded.isEmpty else { return start + position }
    var answer = start + position
    while true {
      // How many excluded units lie in [start, answer]: the answer moves right by as many.
      var low = excluded.startIndex, high = excluded.endIndex
      while low < high {
        let mid = (low + high) / 2
        if excluded[mid] <= answer { low = mid + 1 } else { high = mid }
      }
      let next = start + position + (low - excluded.startIndex)
      if next == answer { return answer }
      answer = next
    }
  }

  /// `k` distinct indices of `0..<n`, uniformly, in ascending order (Floyd's algorithm).
  ///
  /// When k is a sizeable share of n (the failing units of a large population over years) the
  /// chosen indices are bits of an n-bit set read back in order: no hashing and no sort, the same
  /// indices from the same draws.
  /// - Complexity: O(k log k) for sparse draws, independent of n; O(k + n/64) for dense ones.
  /// - Parameter dense: which of the two ways (tests); by default the bit set when n/64 <= 4k.
  static func distinctIndices(count k: Int, from n: Int, using source: RandomSource, dense: Bool? = nil) -> [Int] {
    if k > 0, dense ?? (n / 64 <= 4 * k) {
      var bits = [UInt64](repeating: 0, count: (n + 63) / 64)
      for j in (n - k)..<n {
        let t = source.uniformInt(below: j + 1)
        let bit = UInt64(1) << UInt64(t & 63)
        if bits[t >> 6] & bit == 0 {
          bits[t >> 6] |= bit
        } else {
          bits[j >> 6] |= UInt64(1) << UInt64(j & 63)  // j is larger than every index chosen so far
        }
      }
      var chosen: [Int] = []
      chosen.reserveCapacity(k)
      for w in bits.indices {
        var word = bits[w]
        while word != 0 {
          chosen.append(w << 6 + word.trailingZeroBitCount)
          word &= word &- 1
        }
      }
      return chosen
    }
    var chosen = Set<Int>(minimumCapacity: k)
    for j in (n - k)..<n {
      let t = source.uniformInt(below: j + 1)
      if !chosen.insert(t).inserted { chosen.insert(j) }
    }
    return chosen.sorted()
  }

  /// Schedules the unit's next failure after it was renewed (or, if `keepAge`, after it
  /// survived a flap, a clean or an absorbed failure at its current age).
  mutating func scheduleNextFailure(population p: Int, unit u: Int, keepAge: Bool) {
    var state = units[p][u]
    state.generation += 1
    state.draws += 1
    let op = operatingTime
    if !keepAge { state.renewedAt = op }
    units[p][u] = state
    let model = layout.populations[p].variants[Int(state.variant)]
    let source = unitDraws(p, u, state.draws, .lifetime)
    let draw = keepAge ? model.sampleAfterSurvival(age: op - state.renewedAt, using: source)
                       : model.sampleFresh(using: source)
    let at = state.renewedAt + draw.time
    // Failures beyond the horizon (in operating time, which never runs ahead of calendar time) never happen.
    guard at <= horizon else { return }
    failureQueue.push(.init(population: p, unit: u, mode: draw.mode, generation: state.generation), at: at, priority: .failure)
    if let lead = precursorLead(population: p, mode: draw.mode, using: source), at - lead >= op {
      failureQueue.push(.init(population: p, unit: u, mode: draw.mode, generation: state.generation, precursor: true), at: at - lead,
                        priority: .failure)
    }
  }

  mutating func handleFailure(_ event: FailureEvent) {
    let p = event.population, u = event.unit
    var state = units[p][u]
    guard state.generation == event.generation else { return }  // the unit was renewed since
    // The draw index of the lifetime that ends here: what the failure takes down and a flap's
    // length come from the unit's substreams of that index.
    let k = state.draws
    let population = layout.populations[p]
    if event.precursor {
      // Degradation seen before the failure: a monitored FRU is swapped as planned work.
      guard state.openTicket == nil else { return }
      counts.degradationsCaught += 1
      record("degradation", population: p, unit: u, detail: { let m = population.mode(event.mode); return "\(m.part.id)/\(m.mode.id)" }())
      openTicket(p, u, mode: event.mode, impact: .none, planned: true, forced: .replace)
      carryOutDeskEffects()
      return
    }
    counts.failures[p][event.mode] += 1
    counts.monthly[min(Int(now / TimeUnits.hoursPerMonth), counts.monthly.count - 1)] += 1
    record("failure", population: p, unit: u, detail: { let m = population.mode(event.mode); return "\(m.part.id)/\(m.mode.id)" }())

    if let duration = population.flapDurations[event.mode] {
      counts.flaps += 1
      let impactSource = population.failureRules[event.mode].draws ? unitDraws(p, u, k, .impact) : unitSource
      let impact = layout.impact(of: population.failureRules[event.mode], unit: u, using: impactSource)
      // Only flaps longer than the smallest tolerance are simulated for healthy units; a lemon's
      // model simulates all of its flaps (its variant says which).
      let above = population.variants[Int(state.variant)].modes[event.mode].flapsLongerThan
      let flapSource = unitDraws(p, u, k, .flap)
      let length = above > 0 ? (try? duration.sample(truncatedTo: above...Hours.infinity, using: flapSource)) ?? above
                             : duration.sample(using: flapSource)
      apply(impact, down: true, planned: false, flap: length, population: p)
      push(.flapEnd(impact, duration: length, population: p), after: length, priority: .restoration)
      if state.variant & 1 != 0 { counts.lemonFlaps += 1 }
      if let proactive = population.proactive {
        // A unit that flaps too often is fixed as planned work (lemon detection).
        var history = flapHistory[p][u]
        let recent = history.record(now, within: proactive.within)
        flapHistory[p][u] = history
        if recent >= proactive.afterFlaps, units[p][u].openTicket == nil {
          counts.proactiveRepairs += 1
          record("proactive", population: p, unit: u, detail: proactive.replace ? "replace" : "clean")
          openTicket(p, u, mode: event.mode, impact: .none, planned: true,
                     forced: proactive.replace ? .replace : .clean, atWindow: proactive.atWindow)
          carryOutDeskEffects()
        }
      }
      scheduleNextFailure(population: p, unit: u, keepAge: true)
      return
    }
    if state.absorbed < population.absorbable, state.openTicket == nil {
      // Redundancy inside the FRU takes it: no outage, a planned swap.
      state.absorbed += 1
      units[p][u] = state
      counts.absorbed += 1
      openTicket(p, u, mode: event.mode, impact: .none, planned: true)
      scheduleNextFailure(population: p, unit: u, keepAge: true)
      carryOutDeskEffects()
      return
    }
    let impactSource = population.failureRules[event.mode].draws ? unitDraws(p, u, k, .impact) : unitSource
    let impact = layout.impact(of: population.failureRules[event.mode], unit: u, using: impactSource)
    apply(impact, down: true, planned: false, population: p)
    if population.plans[event.mode].decision.keepsServing {
      // Left dark: the rest of the FRU stays in service and can fail again.
      scheduleNextFailure(population: p, unit: u, keepAge: true)
      state = units[p][u]
    } else {
      state.generation += 1  // no further failures until repaired
      units[p][u] = state
    }
    if let existing = state.openTicket {
      // A repair already on its way (a planned swap, a swap of a board left dark) fixes this too.
      desk.add(impact, mode: event.mode, to: existing, at: now, using: repairSource)
      carryOutDeskEffects()
      return
    }
    openTicket(p, u, mode: event.mode, impact: impact, planned: false)
    carryOutDeskEffects()
  }

  /// Flaps no job notices, counted per population and mode without events (AggregatedFlaps).
  mutating func addAggregatedFlaps() {
    for flaps in layout.aggregatedFlaps {
      let source = RandomSource(seed: seeds.seed(forTrial: trialIndex, stream: flaps.streamKey))
      let draw = flaps.draw(horizon: horizon, months: counts.monthly.count, hoursPerMonth: TimeUnits.hoursPerMonth,
                            excluding: lemonsAtStart[flaps.population], using: source)
      counts.flaps += draw.flaps
      counts.failures[flaps.population][flaps.mode] += draw.flaps
      for (m, n) in draw.monthly.enumerated() { counts.monthly[m] += n }
      plant.addDowntime(linkHours: draw.linkDownHours, nicLinkHours: draw.nicLinkDownHours)
      record("flaps-aggregated", population: flaps.population, unit: 0,
             detail: String(format: "%d flaps of at most %.4g h (aggregated), %.4g link-hours down", draw.flaps,
                            flaps.tolerance, draw.linkDownHours))
    }
  }
}
