package lab

import (
	"net"
	"os"
	"slices"
	"strings"
)

// A page served from another DNS name that an attacker points at this
// machine (DNS rebinding) has an Origin equal to its Host, so the origin
// check alone lets it open websockets here. The Host header names what
// the browser thinks it is talking to: upgrades are taken only when it is
// one of this server's own names or addresses.

// LocalHosts returns the names this machine answers to: localhost, the
// loopback addresses, its host name (and name.local, its mDNS name) and
// the address of every network interface that is up.
func LocalHosts() []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts = append(hosts, name)
		if !strings.Contains(name, ".") {
			hosts = append(hosts, name+".local")
		}
	}
	if ifaces, err := net.Interfaces(); err == nil {
		for _, iface := range ifaces {
			if iface.Flags&net.FlagUp == 0 {
				continue
			}
			addrs, err := iface.Addrs()
			if err != nil {
				continue
			}
			for _, a := range addrs {
				if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLinkLocalUnicast() {
					hosts = append(hosts, ipn.IP.String())
				}
			}
		}
	}
	return normalHosts(hosts)
}

// normalHosts lowercases names, writes addresses canonically and drops
// repeats.
func normalHosts(hosts []string) []string {
	var out []string
	for _, h := range hosts {
		if h = normalHost(h); h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

func normalHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if ip := net.ParseIP(h); ip != nil {
		return ip.String()
	}
	return strings.TrimSuffix(h, ".")
}

// hostAllowed reports whether a request's Host header (with or without a
// port) is one of allowed.
func hostAllowed(allowed []string, hostHeader string) bool {
	if slices.Contains(allowed, "*") {
		return true
	}
	host := hostHeader
	if h, _, err := net.SplitHostPort(hostHeader); err == nil {
		host = h
	}
	return slices.Contains(allowed, normalHost(host))
}
