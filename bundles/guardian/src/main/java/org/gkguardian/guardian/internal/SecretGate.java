package org.gkguardian.guardian.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.PhysicalAddress;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right below SYM_ENCRYPT and turns away, with a log line naming the peer's address, every message that was
 * not encrypted with our key (SYM_ENCRYPT stamps each message with a digest of its key). Without it, a guardian
 * configured with another secret would only show up as decryption errors of an anonymous JGroups address.
 */
final class SecretGate extends Protocol {

    private static final Logger LOG = LoggerFactory.getLogger(SecretGate.class);
    private static final long LOG_EVERY_NANOS = 30_000_000_000L;

    private final SYM_ENCRYPT encrypt;
    private final short encryptId = ClassConfigurator.getProtocolId(SYM_ENCRYPT.class);
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
    private final Consumer<String> onRefusal;

    SecretGate(SYM_ENCRYPT encrypt, Consumer<String> onRefusal) {
        this.encrypt = encrypt;
        this.onRefusal = onRefusal;
    }

    @Override
    public Object up(Message msg) {
        return admitted(msg) ? up_prot.up(msg) : null;
    }

    @Override
    public void up(MessageBatch batch) {
        batch.removeIf(m -> !admitted(m), false);
        if (!batch.isEmpty()) {
            up_prot.up(batch);
        }
    }

    private boolean admitted(Message msg) {
        EncryptHeader hdr = msg.getHeader(encryptId);
        byte[] ours = encrypt.symVersion();
        if (hdr != null && ours != null && Arrays.equals(hdr.version(), ours)) {
            return true;
        }
        refused(msg.getSrc(), hdr == null ? "it does not encrypt" : "it does not hold this cluster's secret");
        return false;
    }

    private void refused(Address src, String why) {
        Object physical = src == null ? null : down_prot.down(new Event(Event.GET_PHYSICAL_ADDRESS, src));
        String peer = physical instanceof PhysicalAddress p ? p.printIpAddress() : String.valueOf(src);
        long now = System.nanoTime();
        Long last = lastLogged.get(peer);
        if (last == null || now - last > LOG_EVERY_NANOS) {
            lastLogged.put(peer, now);
            LOG.warn("Refused guardian at {} ({}): {}; it cannot join", peer, src, why);
            onRefusal.accept(peer);
        }
    }
}
