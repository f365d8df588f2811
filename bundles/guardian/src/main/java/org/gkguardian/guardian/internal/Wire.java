package org.gkguardian.guardian.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;

/**
 * What guardians say to each other over the channel (which encrypts it). A small explicit format rather than Java
 * serialization, so that a peer can never make us instantiate classes.
 */
final class Wire {

    private static final byte VERSION = 1;
    private static final byte STATE = 1;
    private static final byte SWITCHOVER = 2;

    sealed interface Message permits StateMessage, SwitchoverRequest {
    }

    /**
     * A member's state and its gatekeeper's, sent on change and every heartbeat.
     *
     * @param incarnation random number of the sender's run, so that its clock readings are compared only with
     *                    readings of the same run
     * @param sentNanos   the sender's monotonic clock when it sent this
     * @param echoes      for each member the sender hears: that member's incarnation and the sentNanos of the
     *                    newest state received from it. Echoes prove a round trip: a message buffered or
     *                    retransmitted from before a partition or a pause echoes old readings and proves nothing.
     * @param master      the master the sender follows (itself if master), or empty
     */
    record StateMessage(MemberState state, GatekeeperState gatekeeper, long incarnation, long sentNanos,
            Map<InetAddress, Echo> echoes, String master) implements Message {
        StateMessage {
            echoes = Map.copyOf(echoes);
        }
    }

    record Echo(long incarnation, long sentNanos) {
    }

    /** An operator asked for {@code target} to become master; valid until the requester's epoch moves on. */
    record SwitchoverRequest(String target, String requestedBy) implements Message {
    }

    private Wire() {
    }

    static byte[] encode(Message message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            if (message instanceof StateMessage s) {
                MemberState m = s.state();
                out.writeByte(STATE);
                out.writeUTF(m.name());
                byte[] addr = m.internalAddress().getAddress();
                out.writeByte(addr.length);
                out.write(addr);
                out.writeInt(m.priority());
                out.writeBoolean(m.healthy());
                out.writeUTF(m.role().name());
                out.writeLong(m.epoch());
                out.writeBoolean(m.maintenance());
                out.writeUTF(m.configDigest());
                out.writeBoolean(m.preemptRequested());
                out.writeUTF(s.gatekeeper().name());
                out.writeLong(s.incarnation());
                out.writeLong(s.sentNanos());
                out.writeUTF(s.master());
                out.writeShort(s.echoes().size());
                for (Map.Entry<InetAddress, Echo> e : s.echoes().entrySet()) {
                    byte[] a = e.getKey().getAddress();
                    out.writeByte(a.length);
                    out.write(a);
                    out.writeLong(e.getValue().incarnation());
                    out.writeLong(e.getValue().sentNanos());
                }
            } else if (message instanceof SwitchoverRequest r) {
                out.writeByte(SWITCHOVER);
                out.writeUTF(r.target());
                out.writeUTF(r.requestedBy());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetAddress readAddress(DataInputStream in) throws IOException {
        int len = in.readUnsignedByte();
        if (len != 4 && len != 16) {
            throw new IllegalArgumentException("bad address length " + len);
        }
        byte[] addr = in.readNBytes(len);
        if (addr.length != len) {
            throw new IllegalArgumentException("truncated address");
        }
        return InetAddress.getByAddress(addr);
    }

    /** Decodes a message, or throws IllegalArgumentException for anything malformed. */
    static Message decode(byte[] buf, int offset, int length) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(buf, offset, length));
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown wire version " + version);
            }
            byte type = in.readByte();
            switch (type) {
                case STATE -> {
                    String name = in.readUTF();
                    InetAddress address = readAddress(in);
                    int priority = in.readInt();
                    boolean healthy = in.readBoolean();
                    Role role = Role.valueOf(in.readUTF());
                    long epoch = in.readLong();
                    boolean maintenance = in.readBoolean();
                    String digest = in.readUTF();
                    boolean preempt = in.readBoolean();
                    GatekeeperState gk = GatekeeperState.valueOf(in.readUTF());
                    long incarnation = in.readLong();
                    long sent = in.readLong();
                    String master = in.readUTF();
                    int n = in.readUnsignedShort();
                    if (n > 1024) {
                        throw new IllegalArgumentException("too many echoes: " + n);
                    }
                    Map<InetAddress, Echo> echoes = new HashMap<>();
                    for (int i = 0; i < n; i++) {
                        echoes.put(readAddress(in), new Echo(in.readLong(), in.readLong()));
                    }
                    return new StateMessage(new MemberState(name, address, priority, healthy, role, epoch,
                            maintenance, digest, preempt), gk, incarnation, sent, echoes, master);
                }
                case SWITCHOVER -> {
                    return new SwitchoverRequest(in.readUTF(), in.readUTF());
                }
                default -> throw new IllegalArgumentException("unknown message type " + type);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated message", e);
        }
    }
}
