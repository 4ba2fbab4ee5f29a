package mcptest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// modulePath is this module's path, used to recognise its go.mod.
const modulePath = "github.com/mcpdoctor/mcpdoctor"

// npmInstallTimeout bounds one npm ci; a cold install takes about 15 s.
const npmInstallTimeout = 5 * time.Minute

// stampName is the file, inside node_modules, recording which package.json
// and package-lock.json the tree was installed from. npm ci deletes
// node_modules before it installs, so a tree whose install was interrupted
// has no stamp and is installed again.
const stampName = ".mcptest-installed"

// requiredFiles are the entry points the helpers run, relative to
// node_modules; a tree missing one is reinstalled even when its stamp matches.
var requiredFiles = func() []string {
	files := []string{
		everythingScript,
		oauthExampleScript,
		"@modelcontextprotocol/server/package.json",
		"@modelcontextprotocol/node/package.json",
		conformanceScript(ConformanceStable),
		conformanceScript(ConformancePrerelease),
	}
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		files = append(files, conformanceNode)
	}
	return files
}()

var npmInstall struct {
	sync.Mutex
	dir string // node_modules, once installed
	err error  // the first failure, reported to every later caller
}

// NodeModules makes sure testdata/npm/node_modules holds exactly what
// testdata/npm/package-lock.json pins and returns its absolute path.
//
// The first call in a test process runs `npm ci --no-audit --no-fund` unless
// the tree is already installed from the current package.json and lock file
// (a stamp file in node_modules holds their hash). Test binaries of several
// packages run in parallel, so the check and the install happen under an
// exclusive flock(2) on package-lock.json, which npm ci only reads. A failed
// install is t.Fatal with npm's output: tests never skip for want of Node.js.
func NodeModules(t testing.TB) string {
	t.Helper()
	npmInstall.Lock()
	defer npmInstall.Unlock()
	if npmInstall.dir == "" && npmInstall.err == nil {
		npmInstall.dir, npmInstall.err = installNodeModules()
	}
	if npmInstall.err != nil {
		t.Fatal(npmInstall.err)
	}
	return npmInstall.dir
}

// npmDir returns the absolute path of testdata/npm.
func npmDir() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "testdata", "npm"), nil
}

// moduleRoot finds the directory of this module's go.mod: up from the working
// directory (go test runs a test binary in its package's directory), else
// from `go env GOMOD`.
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("mcptest: locating the module root: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if isThisModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if gomod := strings.TrimSpace(string(out)); err == nil && isThisModule(gomod) {
		return filepath.Dir(gomod), nil
	}
	return "", fmt.Errorf("mcptest: no go.mod for %s above %s, nor from `go env GOMOD`; run the tests inside the mcpdoctor module", modulePath, wd)
}

func isThisModule(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == modulePath
		}
	}
	return false
}

func installNodeModules() (string, error) {
	dir, err := npmDir()
	if err != nil {
		return "", err
	}
	nodeModules := filepath.Join(dir, "node_modules")
	lockPath := filepath.Join(dir, "package-lock.json")

	lock, err := os.Open(lockPath)
	if err != nil {
		return "", fmt.Errorf("mcptest: %w; testdata/npm must hold the pinned package-lock.json", err)
	}
	defer lock.Close()
	unlock, err := lockFile(lock)
	if err != nil {
		return "", fmt.Errorf("mcptest: locking %s: %w", lockPath, err)
	}
	defer unlock()

	want, err := manifestHash(dir)
	if err != nil {
		return "", err
	}
	if installed(nodeModules, want) {
		return nodeModules, nil
	}

	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("mcptest: npm not found in PATH (%w); the tests run real MCP servers from npm: install Node.js 20+ with npm", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), npmInstallTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w after %v", ctx.Err(), npmInstallTimeout)
		}
		return "", fmt.Errorf("mcptest: `npm ci` in %s failed: %w; check that the npm registry is reachable and package-lock.json matches package.json\n%s", dir, err, out.String())
	}
	for _, f := range requiredFiles {
		if _, err := os.Stat(filepath.Join(nodeModules, f)); err != nil {
			return "", fmt.Errorf("mcptest: `npm ci` in %s succeeded but %w; has the package layout changed?\n%s", dir, err, out.String())
		}
	}
	if err := writeFileAtomic(filepath.Join(nodeModules, stampName), []byte(want+"\n")); err != nil {
		return "", fmt.Errorf("mcptest: recording the npm install: %w", err)
	}
	fmt.Fprintf(os.Stderr, "mcptest: npm ci in %s took %v\n", dir, time.Since(start).Round(100*time.Millisecond))
	return nodeModules, nil
}

// manifestHash hashes package.json and package-lock.json: when either
// changes, node_modules is installed again.
func manifestHash(dir string) (string, error) {
	h := sha256.New()
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", fmt.Errorf("mcptest: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func installed(nodeModules, want string) bool {
	stamp, err := os.ReadFile(filepath.Join(nodeModules, stampName))
	if err != nil || strings.TrimSpace(string(stamp)) != want {
		return false
	}
	for _, f := range requiredFiles {
		if _, err := os.Stat(filepath.Join(nodeModules, f)); err != nil {
			return false
		}
	}
	return true
}

func writeFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), name)
}
