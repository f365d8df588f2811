package org.gkguardian.guardian.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.NamedParameterSpec;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The cluster's TLS identity, derived from the cluster key alone: an Ed25519 key pair whose seed is an HMAC of the
 * key, and a self-signed certificate for it. Every guardian with the same secret derives the same identity; a TLS
 * peer is accepted when, and only when, it proves possession of that private key (TLS 1.3, client authentication
 * required). So the operator provisions nothing but the secret, and a host without it cannot complete a handshake.
 */
final class ClusterIdentity {

    static final String PROTOCOL = "TLSv1.3";
    private static final String ALIAS = "gk-guardian";
    // DER: the Ed25519 algorithm identifier (OID 1.3.101.112) and the commonName attribute type (2.5.4.3).
    private static final byte[] ED25519_ALGORITHM = {0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70};
    private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};

    /** Told the peer address of every TLS peer that presented another cluster's key. */
    interface ForeignKeyListener {
        void foreignKey(InetAddress peer);
    }

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final byte[] publicKey;

    private ClusterIdentity(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.publicKey = certificate.getPublicKey().getEncoded();
    }

    static ClusterIdentity derive(SecretKey clusterKey, String clusterName) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(clusterKey);
        byte[] seed = mac.doFinal("gk-guardian tls identity v1".getBytes(StandardCharsets.UTF_8));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
        KeyPair pair = generator.generateKeyPair();
        return new ClusterIdentity(selfSigned(pair, clusterName), pair.getPrivate());
    }

    /** TLS 1.3 that presents this identity and trusts nothing else. */
    SSLContext sslContext(ForeignKeyListener listener) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance(PROTOCOL);
        context.init(new KeyManager[] {new OwnKey()}, new TrustManager[] {new SameKeyOnly(listener)},
                new SecureRandom());
        return context;
    }

    /** The certificate every member presents (for tests). */
    X509Certificate certificate() {
        return certificate;
    }

    /**
     * A random source that yields the derived seed: Ed25519 key generation draws exactly its 32-byte private key
     * from it, so the pair is a function of the seed.
     */
    private static final class FixedSeed extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("Ed25519 asked for " + bytes.length + " random bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }

    /** A minimal X.509 v3 certificate, DER-encoded by hand (the JDK has no public API to make one). */
    private static X509Certificate selfSigned(KeyPair pair, String clusterName) throws GeneralSecurityException {
        byte[] name = der(0x30, der(0x31, der(0x30, COMMON_NAME,
                der(0x0C, ("gk-guardian " + clusterName).getBytes(StandardCharsets.UTF_8)))));
        byte[] validity = der(0x30, der(0x18, "20000101000000Z".getBytes(StandardCharsets.US_ASCII)),
                der(0x18, "99991231235959Z".getBytes(StandardCharsets.US_ASCII)));
        byte[] tbs = der(0x30, der(0xA0, der(0x02, new byte[] {2})), der(0x02, new byte[] {1}), ED25519_ALGORITHM,
                name, validity, name, pair.getPublic().getEncoded());
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(pair.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bits = new byte[signature.length + 1];
        System.arraycopy(signature, 0, bits, 1, signature.length);
        byte[] encoded = der(0x30, tbs, ED25519_ALGORITHM, der(0x03, bits));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(encoded));
    }

    private static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        int length = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xFF);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    /** Presents the cluster identity, whatever the peer asks for (JSSE skips it for non-EdDSA schemes). */
    private final class OwnKey extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {certificate};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return privateKey;
        }
    }

    /**
     * Accepts a peer only when its certificate carries the cluster's public key; the TLS handshake has already
     * checked that the peer signed with the matching private key. Names and dates are not looked at: the key is
     * the credential.
     */
    private final class SameKeyOnly extends X509ExtendedTrustManager {
        private final ForeignKeyListener listener;

        SameKeyOnly(ForeignKeyListener listener) {
            this.listener = listener;
        }

        private void check(X509Certificate[] chain, InetAddress peer) throws CertificateException {
            if (chain == null || chain.length == 0
                    || !MessageDigest.isEqual(publicKey, chain[0].getPublicKey().getEncoded())) {
                if (peer != null) {
                    listener.foreignKey(peer);
                }
                throw new ForeignKeyException();
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, socket == null ? null : socket.getInetAddress());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, socket == null ? null : socket.getInetAddress());
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, null);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {certificate};
        }
    }

    /** The peer presented a key other than the cluster's. */
    static final class ForeignKeyException extends CertificateException {
        private static final long serialVersionUID = 1L;

        ForeignKeyException() {
            super("the peer does not hold this cluster's key");
        }
    }
}
