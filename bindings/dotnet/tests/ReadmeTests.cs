// The README's example is examples/ResetServer.cs verbatim (run_tests.sh compiles and runs the file).
using System.IO;
using NUnit.Framework;

namespace OfflineReset.Tests
{
    [TestFixture]
    public class ReadmeTests
    {
        [Test]
        public void ReadmeShowsTheExampleFileVerbatim()
        {
            string dir = Path.Combine(Shared.Repo, "bindings/dotnet");
            string readme = File.ReadAllText(Path.Combine(dir, "README.md")).Replace("\r\n", "\n");
            string file = File.ReadAllText(Path.Combine(dir, "examples/ResetServer.cs")).Replace("\r\n", "\n");
            const string marker = "<!-- examples/ResetServer.cs, verbatim (tests/ReadmeTests.cs) -->\n```csharp\n";
            int start = readme.IndexOf(marker);
            Assert.GreaterOrEqual(start, 0, "the marker before the README's example");
            start += marker.Length;
            int end = readme.IndexOf("```\n", start);
            Assert.AreEqual(file, readme.Substring(start, end - start));
        }
    }
}
