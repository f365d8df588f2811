package org.gkguardian.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gatekeeper behind the guardian (provided by the lifecycle bundle). The guardian calls it in
 * order: on promotion {@link #prepareMaster} before the VIP is bound; on demotion
 * {@link #standDown} after the VIP is released.
 */
@ProviderType
public interface GatekeeperControl {

    /** The gatekeeper's state from its last probe. */
    GatekeeperState state();

    /**
     * Make the gatekeeper ready to serve as master: in cold standby start it and wait until it
     * answers its probe; in warm standby check that it runs. Returns when ready.
     *
     * @throws GatekeeperException when it cannot be made ready in time
     */
    void prepareMaster(RoleContext context) throws GatekeeperException;

    /** The VIP is gone: in cold standby stop the gatekeeper; in warm standby keep it running. */
    void standDown(RoleContext context);

    /** SHA-256 of the mirrored configuration files, or empty when nothing is mirrored. */
    String configDigest();

    /**
     * Why the gatekeeper is failed or cannot be managed (a refused configuration naming its key, a
     * start command that cannot run, a probe that does not answer), or empty when all is well.
     */
    default String problem() {
        return "";
    }

    /** Register to hear when the gatekeeper's health changes (fault or recovery). */
    void setHealthListener(Runnable onHealthChange);

    class GatekeeperException extends Exception {
        private static final long serialVersionUID = 1L;

        public GatekeeperException(String message) {
            super(message);
        }

        public GatekeeperException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
