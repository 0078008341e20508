// Message digests for States.Hash, written out in Swift so the language layer needs no crypto
// package. They run on small inputs (AWS caps the hashed data), so clarity wins over speed.

/// The hash algorithms States.Hash accepts, by the names AWS uses.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case md5 = "MD5"
    case sha1 = "SHA-1"
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"
    case sha512 = "SHA-512"

    /// The digest of `message`.
    public func digest(_ message: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(message)
        switch self {
        case .md5: return MD5.digest(bytes)
        case .sha1: return SHA1.digest(bytes)
        case .sha256: return SHA256.digest(bytes)
        case .sha384: return SHA512Family.digest(bytes, variant: .sha384)
        case .sha512: return SHA512Family.digest(bytes, variant: .sha512)
        }
    }

    /// Lowercase hexadecimal digest of the string's UTF-8 bytes, as States.Hash returns it.
    public func hexDigest(of text: String) -> String {
        Self.hex(digest(text.utf8))
    }

    /// HMAC-SHA256 (RFC 2104) of `message` under `key`: request signatures, page tokens and
    /// task tokens derived from a secret.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 64
        var key = key.count > blockSize ? DigestAlgorithm.sha256.digest(key) : key
        key += [UInt8](repeating: 0, count: blockSize - key.count)
        let inner = DigestAlgorithm.sha256.digest(key.map { $0 ^ 0x36 } + message)
        return DigestAlgorithm.sha256.digest(key.map { $0 ^ 0x5C } + inner)
    }

    /// Lowercase hexadecimal text of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Merkle–Damgård padding shared by all five digests: a 1 bit, zeros, then the bit length in a
/// field of `lengthBytes` bytes, big- or little-endian.
private func padded(_ message: [UInt8], blockSize: Int, lengthBytes: Int, littleEndianLength: Bool) -> [UInt8] {
    var data = message
    data.append(0x80)
    while (data.count + lengthBytes) % blockSize != 0 { data.append(0) }
    let bitLength = UInt64(message.count) &* 8
    var lengthField = [UInt8](repeating: 0, count: lengthBytes)
    for index in 0..<8 {
        let byte = UInt8(truncatingIfNeeded: bitLength >> (UInt64(index) * 8))
        if littleEndianLength {
            lengthField[index] = byte
        } else {
            lengthField[lengthBytes - 1 - index] = byte
        }
    }
    data.append(contentsOf: lengthField)
    return data
}

private func bigEndianWord32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
}

private func appendBigEndian(_ word: UInt32, to output: inout [UInt8]) {
    output.append(UInt8(truncatingIfNeeded: word >> 24))
    output.append(UInt8(truncatingIfNeeded: word >> 16))
    output.append(UInt8(truncatingIfNeeded: word >> 8))
    output.append(UInt8(truncatingIfNeeded: word))
}

private extension UInt32 {
    func rotatedLeft(_ count: UInt32) -> UInt32 { (self << count) | (self >> (32 - count)) }
    func rotatedRight(_ count: UInt32) -> UInt32 { (self >> count) | (self << (32 - count)) }
}

private extension UInt64 {
    func rotatedRight(_ count: UInt64) -> UInt64 { (self >> count) | (self << (64 - count)) }
}

// MARK: - MD5 (RFC 1321)

private enum MD5 {
    static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    static let constants: [UInt32] = [
        0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
        0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
        0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
        0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
        0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
        0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
        0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
        0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
    ]

    static func digest(_ message: [UInt8]) -> [UInt8] {
        var a0: UInt32 = 0x6745_2301
        var b0: UInt32 = 0xefcd_ab89
        var c0: UInt32 = 0x98ba_dcfe
        var d0: UInt32 = 0x1032_5476
        let data = padded(message, blockSize: 64, lengthBytes: 8, littleEndianLength: true)
        var words = [UInt32](repeating: 0, count: 16)
        for blockStart in stride(from: 0, to: data.count, by: 64) {
            for index in 0..<16 {
                let offset = blockStart + index * 4
                words[index] =
                    UInt32(data[offset]) | UInt32(data[offset + 1]) << 8
                    | UInt32(data[offset + 2]) << 16 | UInt32(data[offset + 3]) << 24
            }
            var a = a0, b = b0, c = c0, d = d0
            for round in 0..<64 {
                var mixed: UInt32
                var wordIndex: Int
                switch round {
                case 0..<16:
                    mixed = (b & c) | (~b & d)
                    wordIndex = round
                case 16..<32:
                    mixed = (d & b) | (~d & c)
                    wordIndex = (5 * round + 1) % 16
                case 32..<48:
                    mixed = b ^ c ^ d
                    wordIndex = (3 * round + 5) % 16
                default:
                    mixed = c ^ (b | ~d)
                    wordIndex = (7 * round) % 16
                }
                mixed = mixed &+ a &+ constants[round] &+ words[wordIndex]
                a = d
                d = c
                c = b
                b = b &+ mixed.rotatedLeft(shifts[round])
            }
            a0 = a0 &+ a
            b0 = b0 &+ b
            c0 = c0 &+ c
            d0 = d0 &+ d
        }
        var output: [UInt8] = []
        for word in [a0, b0, c0, d0] {
            for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return output
    }
}

// MARK: - SHA-1 (FIPS 180-4)

private enum SHA1 {
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var state: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        let data = padded(message, blockSize: 64, lengthBytes: 8, littleEndianLength: false)
        var schedule = [UInt32](repeating: 0, count: 80)
        for blockStart in stride(from: 0, to: data.count, by: 64) {
            for index in 0..<16 { schedule[index] = bigEndianWord32(data, at: blockStart + index * 4) }
            for index in 16..<80 {
                schedule[index] = (schedule[index - 3] ^ schedule[index - 8] ^ schedule[index - 14] ^ schedule[index - 16]).rotatedLeft(1)
            }
            var a = state[0], b = state[1], c = state[2], d = state[3], e = state[4]
            for round in 0..<80 {
                let mixed: UInt32
                let constant: UInt32
                switch round {
                case 0..<20:
                    mixed = (b & c) | (~b & d)
                    constant = 0x5A82_7999
                case 20..<40:
                    mixed = b ^ c ^ d
                    constant = 0x6ED9_EBA1
                case 40..<60:
                    mixed = (b & c) | (b & d) | (c & d)
                    constant = 0x8F1B_BCDC
                default:
                    mixed = b ^ c ^ d
                    constant = 0xCA62_C1D6
                }
                let temporary = a.rotatedLeft(5) &+ mixed &+ e &+ constant &+ schedule[round]
                e = d
                d = c
                c = b.rotatedLeft(30)
                b = a
                a = temporary
            }
            state[0] = state[0] &+ a
            state[1] = state[1] &+ b
            state[2] = state[2] &+ c
            state[3] = state[3] &+ d
            state[4] = state[4] &+ e
        }
        var output: [UInt8] = []
        for word in state { appendBigEndian(word, to: &output) }
        return output
    }
}

// MARK: - SHA-256 (FIPS 180-4)

private enum SHA256 {
    static let constants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    static func digest(_ message: [UInt8]) -> [UInt8] {
        var state: [UInt32] = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        ]
        let data = padded(message, blockSize: 64, lengthBytes: 8, littleEndianLength: false)
        var schedule = [UInt32](repeating: 0, count: 64)
        for blockStart in stride(from: 0, to: data.count, by: 64) {
            for index in 0..<16 { schedule[index] = bigEndianWord32(data, at: blockStart + index * 4) }
            for index in 16..<64 {
                let word15 = schedule[index - 15], word2 = schedule[index - 2]
                let sigma0 = word15.rotatedRight(7) ^ word15.rotatedRight(18) ^ (word15 >> 3)
                let sigma1 = word2.rotatedRight(17) ^ word2.rotatedRight(19) ^ (word2 >> 10)
                schedule[index] = schedule[index - 16] &+ sigma0 &+ schedule[index - 7] &+ sigma1
            }
            var a = state[0], b = state[1], c = state[2], d = state[3]
            var e = state[4], f = state[5], g = state[6], h = state[7]
            for round in 0..<64 {
                let bigSigma1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
                let choice = (e & f) ^ (~e & g)
                let temporary1 = h &+ bigSigma1 &+ choice &+ constants[round] &+ schedule[round]
                let bigSigma0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                let temporary2 = bigSigma0 &+ majority
                h = g
                g = f
                f = e
                e = d &+ temporary1
                d = c
                c = b
                b = a
                a = temporary1 &+ temporary2
            }
            state[0] = state[0] &+ a
            state[1] = state[1] &+ b
            state[2] = state[2] &+ c
            state[3] = state[3] &+ d
            state[4] = state[4] &+ e
            state[5] = state[5] &+ f
            state[6] = state[6] &+ g
            state[7] = state[7] &+ h
        }
        var output: [UInt8] = []
        for word in state { appendBigEndian(word, to: &output) }
        return output
    }
}

// MARK: - SHA-384 and SHA-512 (FIPS 180-4)

private enum SHA512Family {
    enum Variant { case sha384, sha512 }

    static let constants: [UInt64] = [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
        0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
        0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
        0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
        0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
        0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
        0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
        0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
        0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
        0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ]

    static func initialState(_ variant: Variant) -> [UInt64] {
        switch variant {
        case .sha512:
            return [
                0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
                0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
            ]
        case .sha384:
            return [
                0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
                0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4,
            ]
        }
    }

    static func digest(_ message: [UInt8], variant: Variant) -> [UInt8] {
        var state = initialState(variant)
        let data = padded(message, blockSize: 128, lengthBytes: 16, littleEndianLength: false)
        var schedule = [UInt64](repeating: 0, count: 80)
        for blockStart in stride(from: 0, to: data.count, by: 128) {
            for index in 0..<16 {
                var word: UInt64 = 0
                for byteIndex in 0..<8 { word = word << 8 | UInt64(data[blockStart + index * 8 + byteIndex]) }
                schedule[index] = word
            }
            for index in 16..<80 {
                let word15 = schedule[index - 15], word2 = schedule[index - 2]
                let sigma0 = word15.rotatedRight(1) ^ word15.rotatedRight(8) ^ (word15 >> 7)
                let sigma1 = word2.rotatedRight(19) ^ word2.rotatedRight(61) ^ (word2 >> 6)
                schedule[index] = schedule[index - 16] &+ sigma0 &+ schedule[index - 7] &+ sigma1
            }
            var a = state[0], b = state[1], c = state[2], d = state[3]
            var e = state[4], f = state[5], g = state[6], h = state[7]
            for round in 0..<80 {
                let bigSigma1 = e.rotatedRight(14) ^ e.rotatedRight(18) ^ e.rotatedRight(41)
                let choice = (e & f) ^ (~e & g)
                let temporary1 = h &+ bigSigma1 &+ choice &+ constants[round] &+ schedule[round]
                let bigSigma0 = a.rotatedRight(28) ^ a.rotatedRight(34) ^ a.rotatedRight(39)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                let temporary2 = bigSigma0 &+ majority
                h = g
                g = f
                f = e
                e = d &+ temporary1
                d = c
                c = b
                b = a
                a = temporary1 &+ temporary2
            }
            state[0] = state[0] &+ a
            state[1] = state[1] &+ b
            state[2] = state[2] &+ c
            state[3] = state[3] &+ d
            state[4] = state[4] &+ e
            state[5] = state[5] &+ f
            state[6] = state[6] &+ g
            state[7] = state[7] &+ h
        }
        let wordCount = variant == .sha384 ? 6 : 8
        var output: [UInt8] = []
        for word in state.prefix(wordCount) {
            for shift in stride(from: 56, through: 0, by: -8) { output.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return output
    }
}
