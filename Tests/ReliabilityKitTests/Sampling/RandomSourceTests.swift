import Testing
@testable import ReliabilityKit

@Suite("Random source")
struct RandomSourceTests {
  @Test("uses GSL's taus2 generator")
  func generatorName() {
    #expect(RandomSource(seed: 1).generatorName == "taus2")
    #expect(RandomSource.generatorName == "taus2")
  }

  @Test("the same seed gives the same stream")
  func reproducible() {
    let a = RandomSource(seed: 99), b = RandomSource(seed: 99)
    #expect((0..<1000).map { _ in a.uniform() } == (0..<1000).map { _ in b.uniform() })
  }

  @Test("reseeding restarts the stream")
  func reseed() {
    let source = RandomSource(seed: 5)
    let first = (0..<10).map { _ in source.uniform() }
    source.reseed(5)
    #expect((0..<10).map { _ in source.uniform() } == first)
  }

  @Test("uniform draws stay in [0, 1) and positive draws in (0, 1)")
  func ranges() {
    let source = RandomSource(seed: 3)
    for _ in 0..<100_000 {
      let u = source.uniform(), v = source.uniformPositive()
      #expect(u >= 0 && u < 1)
      #expect(v > 0 && v < 1)
    }
  }

  @Test("uniform integers cover 0..<n evenly (chi-squared)", .tags(.statistical))
  func uniformIntegers() {
    let source = RandomSource(seed: 17)
    let n = 10, draws = 100_000
    var counts = [Int](repeating: 0, count: n)
    for _ in 0..<draws { counts[source.uniformInt(below: n)] += 1 }
    let expected = Double(draws) / Double(n)
    let chi2 = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    #expect(GSL.chiSquaredQ(chi2, degreesOfFreedom: Double(n - 1)) > 0.001)
  }

  @Test("binomial counts have mean np", .tags(.statistical))
  func binomialMean() {
    let source = RandomSource(seed: 23)
    let counts = (0..<20_000).map { _ in Double(source.binomial(trials: 40_000, probability: 0.01)) }
    let m = Stats.moments(counts)
    #expect(abs(m.mean - 400) <= Stats.z999 * m.seMean)
    #expect(source.binomial(trials: 0, probability: 0.5) == 0)
    #expect(source.binomial(trials: 10, probability: 0) == 0)
    #expect(source.binomial(trials: 10, probability: 1) == 10)
  }

  @Test("Poisson counts have mean equal to the parameter", .tags(.statistical))
  func poissonMean() {
    let source = RandomSource(seed: 29)
    let counts = (0..<20_000).map { _ in Double(source.poisson(mean: 7.5)) }
    let m = Stats.moments(counts)
    #expect(abs(m.mean - 7.5) <= Stats.z999 * m.seMean)
    #expect(source.poisson(mean: 0) == 0)
  }

  @Test("binomial and Poisson counts beyond 32 bits are drawn in pieces, neither trapped nor wrapped", .tags(.statistical))
  func countsBeyond32Bits() {
    let source = RandomSource(seed: 31)
    // One draw each, within z(99.9%) standard deviations of the mean.
    let b = Double(source.binomial(trials: 10_000_000_000, probability: 0.5))
    #expect(abs(b - 5e9) <= Stats.z999 * (1e10 * 0.25).squareRoot(), "\(b)")
    let p = Double(source.poisson(mean: 9e9))
    #expect(abs(p - 9e9) <= Stats.z999 * 9e9.squareRoot(), "\(p)")
  }

  @Test("works as a Swift RandomNumberGenerator, reproducibly")
  func swiftGenerator() {
    let a = RandomSource(seed: 8), b = RandomSource(seed: 8)
    #expect(Array(0..<100).shuffled(using: &a.asGenerator) == Array(0..<100).shuffled(using: &b.asGenerator))
  }

  @Test("the inline taus2 draws GSL's numbers bit for bit, interleaved with GSL's own samplers")
  func inlineTaus2MatchesGSL() {
    for seed: UInt32 in [1, 2, 101, 65_537, 4_000_000_000, UInt32.max] {
      let source = RandomSource(seed: seed)
      // A second generator driven only through GSL's functions, from the same seed.
      let gsl = GSL.allocateGenerator()
      defer { GSL.freeGenerator(gsl) }
      GSL.seed(gsl, with: seed)
      for i in 0..<20_000 {
        switch i % 6 {
        case 0, 1:
          #expect(source.uniform() == GSL.uniform(gsl))
        case 2:
          #expect(source.uniformPositive() == GSL.uniformPositive(gsl))
        case 3:
          let n = [1, 2, 3, 7, 1000, 123_456_789, Int(UInt32.max)][i % 7]
          #expect(source.uniformInt(below: n) == Int(GSL.uniformInt(gsl, below: UInt(n))))
        case 4:
          let high = UInt64(GSL.rawNext(gsl) & 0xFFFF_FFFF), low = UInt64(GSL.rawNext(gsl) & 0xFFFF_FFFF)
          #expect(source.next() == high << 32 | low)
        default:
          // GSL's samplers advance the same state the inline draws do.
          #expect(source.binomial(trials: 50, probability: 0.3) == Int(GSL.binomial(gsl, probability: 0.3, trials: 50)))
        }
      }
    }
  }

  @Test("the inline taus2's 10,000th output from seed 1 is GSL's")
  func inlineTaus2KnownValue() {
    // From GSL 2.7.1 in C: gsl_rng_set(taus2, 1), then 10,000 calls of gsl_rng_get.
    let source = RandomSource(seed: 1)
    var x: UInt = 0
    for _ in 0..<10_000 { x = Taus2.next(GSL.taus2State(source.handle)) }
    #expect(x == 2_733_957_125)
  }
}

extension RandomSource {
  /// A mutable view for `inout` generator parameters (the source is a class).
  fileprivate var asGenerator: RandomSource {
    get { self }
    set {}
  }
}
