using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's chromium driven through its chromedriver (Selenium's WebDriver protocol): the browser
/// and driver come from the system (apt-get install chromium chromium-driver), never downloaded, so
/// Selenium Manager is never asked. Where they are missing or cannot start, tests skip with the reason.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    public const string Browser = "/usr/bin/chromium";
    public const string DriverDirectory = "/usr/bin";
    public const string DriverName = "chromedriver";

    private static readonly Lazy<string?> s_unavailable = new(Probe);
    private readonly string _profile;

    private HeadlessChromium(ChromeDriver driver, string profile)
    {
        Driver = driver;
        _profile = profile;
    }

    public ChromeDriver Driver { get; }

    /// <summary>Why no browser can run here, or null when one can (tried once per test run).</summary>
    public static string? Unavailable => s_unavailable.Value;

    /// <summary>Skips the calling test, with the reason, where no headless Chromium can run.</summary>
    public static void SkipUnlessAvailable()
    {
        if (Unavailable is string why) Assert.Skip($"needs headless Chromium ({why}); .ci/run installs it with apt-get where it can (apt-get install chromium chromium-driver)");
    }

    /// <summary>
    /// A fresh browser with its own profile. The flags are those that run as root in a container with no
    /// network beyond this machine: no sandbox (root), no GPU, nothing fetched in the background.
    /// </summary>
    public static HeadlessChromium Start()
    {
        string profile = Directory.CreateTempSubdirectory("demo-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1250", $"--user-data-dir={profile}");
        var service = ChromeDriverService.CreateDefaultService(DriverDirectory, DriverName);
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        try
        {
            return new HeadlessChromium(new ChromeDriver(service, options, TimeSpan.FromSeconds(60)), profile);
        }
        catch
        {
            service.Dispose();
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    /// <summary>Runs <paramref name="script"/> in the page and returns what it returns.</summary>
    public object? Run(string script) => Driver.ExecuteScript(script);

    /// <summary>Keeps the page's picture: attached to the test's result, and written beside the test assembly under screenshots/.</summary>
    public void Save(string name)
    {
        var shot = Driver.GetScreenshot();
        string folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        shot.SaveAsFile(Path.Combine(folder, name));
        TestContext.Current.AddAttachment(name, shot.AsByteArray, "image/png");
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "only Debian's chromium is wired up, on Linux";
        if (!File.Exists(Browser)) return $"{Browser} is not installed";
        if (!File.Exists(Path.Combine(DriverDirectory, DriverName))) return $"{Path.Combine(DriverDirectory, DriverName)} is not installed";
        try
        {
            using var browser = Start();
            browser.Driver.Navigate().GoToUrl("about:blank");
            return null;
        }
        catch (WebDriverException e)
        {
            return $"it did not start: {e.Message.Split('\n')[0]}";
        }
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A file the browser still held at exit: the temp directory is cleaned by the system.
        }
    }
}
