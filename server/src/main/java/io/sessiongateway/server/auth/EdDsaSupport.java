package io.sessiongateway.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * EdDSA for nimbus's JWT processor. The processor hands keys to its verifier factory as {@code java.security.Key}s,
 * and nimbus converts only RSA, EC and secret JWKs to those; its Ed25519 verifier (on Tink) takes the JWK itself. So
 * Ed25519 JWKs travel wrapped in {@link Ed25519Key}, and {@link Factory} unwraps them into an
 * {@link Ed25519Verifier}, leaving every other algorithm to nimbus's default factory.
 */
final class EdDsaSupport {
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private EdDsaSupport() {}

    /** The public Ed25519 keys of the source that match the header (kid, use, curve). */
    static List<Key> select(JWKSource<SecurityContext> source, JWSHeader header, SecurityContext context)
            throws KeySourceException {
        JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
        if (matcher == null) {
            return List.of();
        }
        return source.get(new JWKSelector(matcher), context).stream()
                .filter(k -> k instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()))
                .map(k -> (Key) new Ed25519Key(((OctetKeyPair) k).toPublicJWK()))
                .toList();
    }

    /** An Ed25519 public JWK in the shape of a Java key; only {@link Factory} opens it. */
    record Ed25519Key(OctetKeyPair jwk) implements PublicKey {
        private static final long serialVersionUID = 1L;

        @Override
        public String getAlgorithm() {
            return "Ed25519";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }

    /** nimbus's default verifier factory, plus Ed25519 keys. */
    static final class Factory implements JWSVerifierFactory {
        private final DefaultJWSVerifierFactory delegate = new DefaultJWSVerifierFactory();

        @Override
        public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
            if (key instanceof Ed25519Key ed) {
                if (!ALGORITHMS.contains(header.getAlgorithm())) {
                    throw new JOSEException("an Ed25519 key verifies EdDSA only");
                }
                return new Ed25519Verifier(ed.jwk());
            }
            return delegate.createJWSVerifier(header, key);
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            Set<JWSAlgorithm> all = new HashSet<>(delegate.supportedJWSAlgorithms());
            all.addAll(ALGORITHMS);
            return all;
        }

        @Override
        public JCAContext getJCAContext() {
            return delegate.getJCAContext();
        }
    }
}
