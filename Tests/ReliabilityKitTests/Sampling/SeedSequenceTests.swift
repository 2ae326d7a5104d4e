import Testing
import ReliabilityKit

@Suite("Seed sequence")
struct SeedSequenceTests {
  @Test("trial seeds are reproducible from (master, index)")
  func reproducible() {
    let a = SeedSequence(master: 42), b = SeedSequence(master: 42)
    for i in [0, 1, 2, 1000, 999_999] {
      #expect(a.seed(forTrial: i) == b.seed(forTrial: i))
    }
  }

  @Test("a million trials get a million distinct, non-zero seeds")
  func distinct() {
    for master: UInt64 in [0, 1, 7, .max] {
      let sequence = SeedSequence(master: master)
      var seen = Set<UInt32>()
      seen.reserveCapacity(1_000_000)
      for i in 0..<1_000_000 {
        let seed = sequence.seed(forTrial: i)
        #expect(seed != 0)
        seen.insert(seed)
      }
      #expect(seen.count == 1_000_000)
    }
  }

  @Test("different masters and different streams give different seeds")
  func mastersAndStreams() {
    let a = SeedSequence(master: 1), b = SeedSequence(master: 2)
    let differing = (0..<1000).filter { a.seed(forTrial: $0) != b.seed(forTrial: $0) }.count
    #expect(differing >= 999)
    let laser = SeedSequence.streamKey("pluggable-800g/laser"), fan = SeedSequence.streamKey("fan/bearing")
    #expect(laser != fan)
    #expect(a.seed(forTrial: 3, stream: laser) != a.seed(forTrial: 3, stream: fan))
    #expect(a.seed(forTrial: 3) == a.seed(forTrial: 3, stream: 0))
  }

  @Test("trial streams are distinct: neighbouring trials do not share draws")
  func streamsDistinct() {
    let sequence = SeedSequence(master: 7)
    let first = (0..<100).map { i in RandomSource(seed: sequence.seed(forTrial: i)).uniform() }
    #expect(Set(first).count == 100)
  }

  @Test("neighbouring trials' first draws are uncorrelated (lag-1 correlation)", .tags(.statistical))
  func neighboursUncorrelated() {
    let sequence = SeedSequence(master: 2026)
    let u = (0..<20_000).map { i in RandomSource(seed: sequence.seed(forTrial: i)).uniform() }
    let mean = u.reduce(0, +) / Double(u.count)
    var num = 0.0, den = 0.0
    for i in 0..<(u.count - 1) { num += (u[i] - mean) * (u[i + 1] - mean) }
    for x in u { den += (x - mean) * (x - mean) }
    // Under independence the lag-1 correlation is about N(0, 1/n).
    #expect(abs(num / den) <= Stats.z999 / Double(u.count).squareRoot())
  }

  @Test("fmix32 is the MurmurHash3 finaliser (reference values)")
  func fmix32Reference() {
    #expect(SeedSequence.fmix32(0) == 0)
    #expect(SeedSequence.fmix32(1) == 0x514E_28B7)
  }

  @Test("SplitMix64 matches the reference implementation")
  func splitMixReference() {
    // First output of the reference SplitMix64 generator seeded with 0 (Vigna, prng.di.unimi.it).
    #expect(SeedSequence.splitMix64(0) == 0xE220_A839_7B1D_CDAF)
  }
}
