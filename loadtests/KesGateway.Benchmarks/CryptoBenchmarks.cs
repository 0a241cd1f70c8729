using System.Text;
using BenchmarkDotNet.Attributes;
using KesGateway.Core.Crypto;

namespace KesGateway.Benchmarks;

/// <summary>
/// The crypto hot paths of the native endpoints: DEK generation (generate), decryption of a DEK in each ciphertext
/// format (decrypt; MinIO unseals object keys this way), and key-version parse/encode (key loads and creation).
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifecycle: the keys are disposed in [GlobalCleanup].
public class CryptoBenchmarks
#pragma warning restore CA1001
{
    // The canonical JSON of a MinIO context map, used verbatim as associated data.
    private static readonly byte[] Context = "{\"bucket\":\"photos\",\"object\":\"2024/01/cat.jpg\"}"u8.ToArray();

    private readonly byte[] _dekPlaintext = new byte[DataKey.Size];
    private readonly byte[] _dekCiphertext = new byte[DataKey.CiphertextSize];
    private readonly byte[] _plaintext = new byte[DataKey.Size];

    private SecretKey _aes = null!;
    private SecretKey _chaCha = null!;
    private byte[] _rawAes = null!;
    private byte[] _rawChaCha = null!;
    private byte[] _jsonAes = null!;
    private byte[] _msgpackAes = null!;
    private byte[] _storedProtobuf = null!;
    private byte[] _storedLegacyJson = null!;
    private KeyVersion _keyVersion = null!;

    [GlobalSetup]
    public void Setup()
    {
        _aes = SecretKey.Generate(KeyType.AES256);
        _chaCha = SecretKey.Generate(KeyType.ChaCha20);
        _rawAes = _aes.GenerateDataKey(Context).Ciphertext;
        _rawChaCha = _chaCha.GenerateDataKey(Context).Ciphertext;
        _jsonAes = ToJson(_rawAes);
        _msgpackAes = ToMsgpack(_rawAes);

        _keyVersion = KeyVersion.Generate(KeyType.AES256, "3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22", TimeProvider.System);
        _storedProtobuf = _keyVersion.EncodeToUtf8();
        _storedLegacyJson = Encoding.UTF8.GetBytes(
            "{\"bytes\":\"J8qmOyEV2ce2yoAC+5t0Y7CSP/hTMppL7XHpAnyc+0E=\",\"algorithm\":\"AES256-GCM_SHA256\",\"created_at\":\"2009-11-10T23:00:00Z\",\"created_by\":\"40235905b7b83e0537a002db523cd019d6709b899adc249c957860cd00fa9f78\"}");

        // Measure the success paths only.
        if (!Decrypt_Raw_AES256() || !Decrypt_Raw_ChaCha20() || !Decrypt_Json_AES256() || !Decrypt_Msgpack_AES256())
        {
            throw new InvalidOperationException("A benchmark ciphertext does not decrypt.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes.Dispose();
        _chaCha.Dispose();
        _keyVersion.Dispose();
    }

    [Benchmark]
    public void GenerateDataKey_AES256() => _aes.GenerateDataKey(Context, _dekPlaintext, _dekCiphertext);

    [Benchmark]
    public void GenerateDataKey_ChaCha20() => _chaCha.GenerateDataKey(Context, _dekPlaintext, _dekCiphertext);

    [Benchmark]
    public bool Decrypt_Raw_AES256() => _aes.TryDecrypt(_rawAes, Context, _plaintext, out _);

    [Benchmark]
    public bool Decrypt_Raw_ChaCha20() => _chaCha.TryDecrypt(_rawChaCha, Context, _plaintext, out _);

    [Benchmark]
    public bool Decrypt_Json_AES256() => _aes.TryDecrypt(_jsonAes, Context, _plaintext, out _);

    [Benchmark]
    public bool Decrypt_Msgpack_AES256() => _aes.TryDecrypt(_msgpackAes, Context, _plaintext, out _);

    [Benchmark]
    public byte[] Decrypt_Raw_AES256_Allocating() => _aes.Decrypt(_rawAes, Context);

    [Benchmark]
    public KeyType ParseKeyVersion_Protobuf()
    {
        using var keyVersion = KeyVersion.Parse(_storedProtobuf);
        return keyVersion.Key.Type;
    }

    [Benchmark]
    public KeyType ParseKeyVersion_LegacyJson()
    {
        using var keyVersion = KeyVersion.Parse(_storedLegacyJson);
        return keyVersion.Key.Type;
    }

    [Benchmark]
    public string EncodeKeyVersion() => _keyVersion.Encode();

    private static byte[] ToJson(byte[] raw)
        => Encoding.UTF8.GetBytes(
            $"{{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"id\":\"66687aadf862bd776c8fc18b8e9f8e20\",\"iv\":\"{Convert.ToBase64String(raw, raw.Length - 28, 16)}\",\"nonce\":\"{Convert.ToBase64String(raw, raw.Length - 12, 12)}\",\"bytes\":\"{Convert.ToBase64String(raw, 0, raw.Length - 28)}\"}}");

    // fixarray(5) [fixstr alg, str8 id, bin8 iv, bin8 nonce, bin8 sealed], as KES v0.19.2-2024-01 wrote it.
    private static byte[] ToMsgpack(byte[] raw)
    {
        var algorithm = "AES256-GCM_SHA256"u8;
        var id = "66687aadf862bd776c8fc18b8e9f8e20"u8;
        var sealedLength = raw.Length - 28;
        return
        [
            0x95,
            (byte)(0xa0 | algorithm.Length), .. algorithm,
            0xd9, (byte)id.Length, .. id,
            0xc4, 16, .. raw.AsSpan(sealedLength, 16),
            0xc4, 12, .. raw.AsSpan(sealedLength + 16, 12),
            0xc4, (byte)sealedLength, .. raw.AsSpan(0, sealedLength),
        ];
    }
}
