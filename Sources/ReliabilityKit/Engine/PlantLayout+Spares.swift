extension PlantLayout {
  /// The part that carries FRU `fru`'s price, warranty, rework price and RMA logistics cost: the
  /// first part of the FRU's first population (the board itself on a CPO switch board, whose
  /// optical engines and lasers are parts of the same FRU).
  func fruPart(_ fru: String) -> Part? {
    populations.first { $0.fru == fru }?.parts.first?.part
  }

  /// Warranty of each spare pool's FRU, in hours, in the order of `spareFRUs` (0: none).
  var spareWarranties: [Hours] { spareFRUs.map { fruPart($0)?.warranty ?? 0 } }
}
