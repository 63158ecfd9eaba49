import Testing
@testable import LathundKit

/// XXH64 against the reference implementation (xxHash 0.8.1's `XXH64`, through Debian's libxxhash0): inputs of
/// every length class the algorithm treats apart (empty; the 1-, 4- and 8-byte tails; one and many 32-byte
/// stripes followed by each kind of tail) and seeds. The build cache, the render key, the page memory, the search
/// index's word slots and the asset fingerprints all rest on these hashes.
@Suite struct XXH64Tests {
    @Test(arguments: [
        ([UInt8](), UInt64(0), UInt64(0xEF46_DB37_51D8_E999)),
        (Array("a".utf8), 0, 0xD24E_C4F1_A98C_6E5B),
        (Array("abc".utf8), 0, 0x44BC_2CF5_AD77_0999),
        (Array("xxhash".utf8), 20_141_025, 0xB559_B98D_844E_0635),
        (Array("Sjukförsäkring".utf8), 0, 0x5250_F747_AF32_1576),
        (Array("Nobody inspects the spammish repetition".utf8), 0, 0xFBCE_A83C_8A37_8BF1),
        (Array(0..<100), 0x9E37_79B1_85EB_CA87, 0x0027_8BDA_0EE3_F586),
        (Array(0...255) + Array(0...255), 0, 0x7B3B_FCAA_C034_8AC0),
    ] as [([UInt8], UInt64, UInt64)])
    func matchesTheReference(input: [UInt8], seed: UInt64, expected: UInt64) {
        let hash = input.withUnsafeBytes { XXH64.hash($0, seed: seed) }
        #expect(hash == expected, "XXH64 of \(input.count) bytes, seed \(seed): \(String(hash, radix: 16))")
    }

    /// Byte i is (7·i + 1) mod 251. Each length takes another path: 4 (one 4-byte tail), 8 (one 8-byte lane),
    /// 12 (8 + 4), 15 (8 + 4 + 3 single bytes), 31 (the longest input without a stripe), 32 (one stripe, no tail),
    /// 33 (stripe + 1), 36 (stripe + 4), 40 (stripe + 8), 45 (stripe + 8 + 4 + 1), 63 (stripe + 24 + 4 + 3),
    /// 64 (two stripes), 77 (two stripes + 8 + 4 + 1).
    @Test(arguments: [
        (4, UInt64(0x22ED_A2CF_6AF4_C124)), (8, 0xC6F1_803A_5E0B_3222), (12, 0x9178_B724_DCE3_84C0),
        (15, 0x514C_6F58_D37C_E6F1), (31, 0x6AB1_C40E_29F5_0073), (32, 0x5A07_56FB_E9EC_D3D1),
        (33, 0xDC50_CDC3_7BB9_C183), (36, 0x31E8_3081_F330_1BB8), (40, 0x8841_EC8E_F83D_27A4),
        (45, 0x2DF5_04AA_DEDC_78D3), (63, 0xDB64_0CD0_3B84_DCC4), (64, 0xAEBF_13AB_C589_D943),
        (77, 0x5B8B_CBA6_6BF2_6F74),
    ])
    func everyStripeAndTailPathMatchesTheReference(length: Int, expected: UInt64) {
        let input = (0..<length).map { UInt8(($0 * 7 + 1) % 251) }
        let hash = XXH64.hash(input)
        #expect(hash == expected, "XXH64 of \(length) bytes: \(String(hash, radix: 16))")
    }

    @Test func textAndBytesHashAlike() {
        #expect(XXH64.hash("Sjukförsäkring") == XXH64.hash(Array("Sjukförsäkring".utf8)))
        #expect(XXH64.hash("") == 0xEF46_DB37_51D8_E999)
    }
}
