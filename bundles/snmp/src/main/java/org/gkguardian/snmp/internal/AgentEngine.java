package org.gkguardian.snmp.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.MirrorControl;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.TransportMapping;
import org.snmp4j.UserTarget;
import org.snmp4j.agent.CommandProcessor;
import org.snmp4j.agent.DefaultMOServer;
import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.MOServer;
import org.snmp4j.agent.mo.snmp.SNMPv2MIB;
import org.snmp4j.agent.mo.snmp.SnmpFrameworkMIB;
import org.snmp4j.agent.mo.snmp.StorageType;
import org.snmp4j.agent.mo.snmp.VacmMIB;
import org.snmp4j.agent.security.MutableVACM;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.AuthHMAC128SHA224;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running SNMP engine: command responder for GK-GUARDIAN-MIB, MIB-II system and the SNMP engine
 * objects, and notification originator. Built from code alone: nothing is read from or written to
 * files (the boot counter is handed in), so configuration is always what ConfigAdmin says.
 */
final class AgentEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentEngine.class);
    private static final OctetString READ_GROUP = new OctetString("gkgRead");
    private static final OctetString WRITE_GROUP = new OctetString("gkgWrite");
    private static final OctetString ALL_VIEW = new OctetString("gkgAll");
    private static final OctetString CONTROL_VIEW = new OctetString("gkgControl");
    private static final OctetString NO_VIEW = new OctetString();
    private static final OID INTERNET = new OID("1.3.6.1");
    /** sysServices: application (layer 7) plus end-to-end (layer 4). */
    private static final int SYS_SERVICES = 72;

    private final AgentSettings settings;
    private final OctetString engineId;
    private final Snmp session;
    private final USM usm;
    private final SNMPv2MIB system;
    private final GuardianMib guardianMib;
    private final List<TransportMapping<UdpAddress>> listenTransports = new ArrayList<>();
    private final Map<InetAddress, TransportMapping<UdpAddress>> vipTransports = new HashMap<>();
    /**
     * Notifications leave from a session and socket of their own on the wildcard address, as Net-SNMP's snmpd
     * sends traps: a listening socket bound to 127.0.0.1 (the default) cannot reach a manager on the LAN. The
     * session has no command responder, so the agent answers requests only where listen.addresses says.
     */
    private final Snmp notifier;
    private final AtomicLong informsAcknowledged = new AtomicLong();
    private final AtomicLong informsLost = new AtomicLong();

    AgentEngine(AgentSettings settings, Guardian guardian, Supplier<MirrorControl> mirror, byte[] engineId,
            int engineBoots, Clock clock, String sysName, String sysDescr) throws IOException {
        this.settings = settings;
        this.engineId = new OctetString(engineId);

        SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.none);
        protocols.addAuthenticationProtocol(new AuthHMAC128SHA224());
        protocols.addAuthenticationProtocol(new AuthHMAC192SHA256());
        protocols.addAuthenticationProtocol(new AuthHMAC256SHA384());
        protocols.addAuthenticationProtocol(new AuthHMAC384SHA512());
        protocols.addPrivacyProtocol(new PrivAES128());
        protocols.addPrivacyProtocol(new PrivAES192());
        protocols.addPrivacyProtocol(new PrivAES256());
        usm = new USM(protocols, this.engineId, engineBoots);
        for (AgentSettings.User user : settings.users()) {
            usm.addUser(new UsmUser(new OctetString(user.name()), authOid(user.auth()),
                    new OctetString(user.authPassphrase()), privOid(user.priv()), new OctetString(user.privPassphrase())));
        }
        MPv3 mpv3 = new MPv3(engineId, null, protocols, SecurityModels.getCollection(new SecurityModel[] {usm}),
                CounterSupport.getInstance());
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
        if (!settings.community().isEmpty()) {
            // Without a community SNMPv2c is off: its messages are dropped before any processing.
            dispatcher.addMessageProcessingModel(new MPv2c());
        }
        dispatcher.addMessageProcessingModel(mpv3);

        session = new Snmp(dispatcher);
        MessageDispatcherImpl notifierDispatcher = new MessageDispatcherImpl();
        notifierDispatcher.addMessageProcessingModel(new MPv2c());
        notifierDispatcher.addMessageProcessingModel(new MPv3(engineId, null, protocols,
                SecurityModels.getCollection(new SecurityModel[] {usm}), CounterSupport.getInstance()));
        notifier = new Snmp(notifierDispatcher);
        try {
            for (AgentSettings.Endpoint endpoint : settings.listen()) {
                TransportMapping<UdpAddress> transport =
                        requestTransport(new UdpAddress(endpoint.address(), endpoint.port()));
                listenTransports.add(transport);
                session.addTransportMapping(transport);
            }
            notifier.addTransportMapping(
                    new DefaultUdpTransportMapping(new UdpAddress(new InetSocketAddress(0).getAddress(), 0)));

            DefaultMOServer server = new DefaultMOServer();
            system = new SNMPv2MIB(new OctetString(sysDescr), GkgOids.ROOT, new Integer32(SYS_SERVICES));
            system.setName(new OctetString(sysName));
            system.setContact(new OctetString(settings.contact()));
            system.setLocation(new OctetString(settings.location()));
            system.registerMOs(server, null);
            List<TransportMapping<? extends Address>> transports = new ArrayList<>(listenTransports);
            new SnmpFrameworkMIB(this.engineId, usm, transports).registerMOs(server, null);
            guardianMib = new GuardianMib(guardian, mirror, clock);
            server.register(guardianMib, null);

            CommandProcessor processor = new CommandProcessor(this.engineId);
            processor.setVacm(new FixedRulesVacm(vacm(server, settings)));
            processor.addMOServer(server);
            processor.setCoexistenceProvider(new CommunityCoexistence(settings.community(), this.engineId));
            processor.addCounterListener(system);
            dispatcher.addCounterListener(system);
            dispatcher.addCommandResponder(new RequestLimits(processor));
            session.listen();
            notifier.listen();
        } catch (IOException | DuplicateRegistrationException | RuntimeException e) {
            closeQuietly();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /**
     * A socket for requests whose receive buffer is reused. By default snmp4j allocates a fresh 64 KiB buffer for
     * every datagram, in case the message is processed on another thread; here every request is decoded,
     * answered and sent on the listening thread itself (the command processor has no worker pool), so one buffer
     * serves them all. Profiled in a running node: that buffer was 91 % of all allocation, about 1 GB/s at 12,000
     * GETs/s, and the garbage collections it caused set both the throughput and the p99.
     */
    private static DefaultUdpTransportMapping requestTransport(UdpAddress address) throws IOException {
        DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping(address);
        transport.setAsyncMsgProcessingSupported(false);
        return transport;
    }

    private static VacmMIB vacm(MOServer server, AgentSettings settings) {
        VacmMIB vacm = new VacmMIB(new MOServer[] {server});
        int volatileStorage = StorageType.volatile_;
        vacm.addViewTreeFamily(ALL_VIEW, INTERNET, new OctetString(), VacmMIB.vacmViewIncluded, volatileStorage);
        vacm.addViewTreeFamily(CONTROL_VIEW, GkgOids.CONTROL, new OctetString(), VacmMIB.vacmViewIncluded,
                volatileStorage);
        // SNMPv2c: read only, whatever is written (the write view is empty).
        vacm.addGroup(SecurityModel.SECURITY_MODEL_SNMPv2c, CommunityCoexistence.SECURITY_NAME, READ_GROUP,
                volatileStorage);
        vacm.addAccess(READ_GROUP, new OctetString(), SecurityModel.SECURITY_MODEL_SNMPv2c,
                SecurityLevel.NOAUTH_NOPRIV, MutableVACM.VACM_MATCH_EXACT, ALL_VIEW, NO_VIEW, ALL_VIEW,
                volatileStorage);
        // SNMPv3: authPriv only; writers may write the control objects and nothing else.
        vacm.addAccess(READ_GROUP, new OctetString(), SecurityModel.SECURITY_MODEL_USM, SecurityLevel.AUTH_PRIV,
                MutableVACM.VACM_MATCH_EXACT, ALL_VIEW, NO_VIEW, ALL_VIEW, volatileStorage);
        vacm.addAccess(WRITE_GROUP, new OctetString(), SecurityModel.SECURITY_MODEL_USM, SecurityLevel.AUTH_PRIV,
                MutableVACM.VACM_MATCH_EXACT, ALL_VIEW, CONTROL_VIEW, ALL_VIEW, volatileStorage);
        for (AgentSettings.User user : settings.users()) {
            vacm.addGroup(SecurityModel.SECURITY_MODEL_USM, new OctetString(user.name()),
                    user.write() ? WRITE_GROUP : READ_GROUP, volatileStorage);
        }
        return vacm;
    }

    static OID authOid(AgentSettings.Auth auth) {
        return switch (auth) {
            case SHA_224 -> AuthHMAC128SHA224.ID;
            case SHA_256 -> AuthHMAC192SHA256.ID;
            case SHA_384 -> AuthHMAC256SHA384.ID;
            case SHA_512 -> AuthHMAC384SHA512.ID;
        };
    }

    static OID privOid(AgentSettings.Priv priv) {
        return switch (priv) {
            case AES_128 -> PrivAES128.ID;
            case AES_192 -> PrivAES192.ID;
            case AES_256 -> PrivAES256.ID;
        };
    }

    long informsAcknowledged() {
        return informsAcknowledged.get();
    }

    long informsLost() {
        return informsLost.get();
    }

    OctetString engineId() {
        return engineId;
    }

    /** Listen on exactly these VIPs (those bound here now) on the configured VIP port. */
    synchronized void listenOnVips(Set<InetAddress> boundVips) {
        if (settings.vipPort() == 0) {
            return;
        }
        vipTransports.entrySet().removeIf(e -> {
            if (boundVips.contains(e.getKey())) {
                return false;
            }
            session.removeTransportMapping(e.getValue());
            closeTransport(e.getValue());
            LOG.info("SNMP agent stopped listening on VIP {}/{}", e.getKey().getHostAddress(), settings.vipPort());
            return true;
        });
        for (InetAddress vip : boundVips) {
            boolean alreadyConfigured = settings.listen().contains(new AgentSettings.Endpoint(vip, settings.vipPort()));
            if (vipTransports.containsKey(vip) || alreadyConfigured) {
                continue;
            }
            try {
                DefaultUdpTransportMapping transport = requestTransport(new UdpAddress(vip, settings.vipPort()));
                session.addTransportMapping(transport);
                transport.listen();
                vipTransports.put(vip, transport);
                LOG.info("SNMP agent listening on VIP {}/{}", vip.getHostAddress(), settings.vipPort());
            } catch (IOException e) {
                LOG.warn("SNMP agent cannot listen on VIP {}/{}: {}", vip.getHostAddress(), settings.vipPort(),
                        e.toString());
            }
        }
    }

    synchronized Set<InetAddress> vipListeners() {
        return Set.copyOf(vipTransports.keySet());
    }

    /** Sends the event's notification to every configured target; INFORMs are retried and never block. */
    void notify(GuardianEvent event) {
        OID trapOid = NotificationVarbinds.trapOid(event);
        List<VariableBinding> varbinds = NotificationVarbinds.of(event);
        for (AgentSettings.Target target : settings.targets()) {
            try {
                send(target, trapOid, varbinds, event);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Sending {} to {} failed: {}", event.type().label(), target, e.toString());
            }
        }
    }

    private void send(AgentSettings.Target target, OID trapOid, List<VariableBinding> varbinds, GuardianEvent event)
            throws IOException {
        PDU pdu = target.kind().v3() ? new ScopedPDU() : new PDU();
        pdu.setType(target.kind().inform() ? PDU.INFORM : PDU.TRAP);
        pdu.add(new VariableBinding(SnmpConstants.sysUpTime, system.getUpTime()));
        pdu.add(new VariableBinding(SnmpConstants.snmpTrapOID, trapOid));
        pdu.addAll(varbinds);
        UdpAddress address = new UdpAddress(target.endpoint().address(), target.endpoint().port());
        Target<UdpAddress> snmpTarget;
        if (target.kind().v3()) {
            // A trap's authoritative engine is ours; an INFORM's is the receiver's, discovered by snmp4j.
            byte[] authoritative = target.kind().inform() ? new byte[0] : engineId.getValue();
            UserTarget<UdpAddress> userTarget = new UserTarget<>(address, new OctetString(target.security()),
                    authoritative, SecurityLevel.AUTH_PRIV);
            snmpTarget = userTarget;
        } else {
            CommunityTarget<UdpAddress> communityTarget = new CommunityTarget<>(address, new OctetString(target.security()));
            communityTarget.setVersion(SnmpConstants.version2c);
            snmpTarget = communityTarget;
        }
        if (target.kind().inform()) {
            snmpTarget.setRetries(settings.informRetries());
            snmpTarget.setTimeout(settings.informTimeoutMs());
            notifier.send(pdu, snmpTarget, null, new ResponseListener() {
                @Override
                public <A extends Address> void onResponse(ResponseEvent<A> response) {
                    ((Snmp) response.getSource()).cancel(response.getRequest(), this);
                    if (response.getResponse() == null) {
                        informsLost.incrementAndGet();
                        LOG.warn("INFORM {} (epoch {}) to {} was not acknowledged after {} retries", event.type().label(),
                                event.epoch(), target, settings.informRetries());
                    } else {
                        informsAcknowledged.incrementAndGet();
                        LOG.debug("INFORM {} acknowledged by {}", event.type().label(), target);
                    }
                }
            });
        } else {
            notifier.send(pdu, snmpTarget);
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            session.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the SNMP session: {}", e.toString());
        }
        try {
            notifier.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the notification session: {}", e.toString());
        }
        listenTransports.forEach(AgentEngine::closeTransport);
        vipTransports.values().forEach(AgentEngine::closeTransport);
        vipTransports.clear();
    }

    private static void closeTransport(TransportMapping<?> transport) {
        try {
            transport.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing {}: {}", transport, e.toString());
        }
    }

    /** snmpEngineID derived from the node name: enterprise 99999 (placeholder), format 4 (text). */
    static byte[] derivedEngineId(String nodeName) {
        byte[] name = nodeName.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(name.length, 27);
        byte[] id = new byte[5 + Math.max(length, 1)];
        id[0] = (byte) 0x80;
        id[1] = 0x01;
        id[2] = (byte) 0x86;
        id[3] = (byte) 0x9F;
        id[4] = 4;
        if (length == 0) {
            id[5] = '-';
        } else {
            System.arraycopy(name, 0, id, 5, length);
        }
        return id;
    }
}
