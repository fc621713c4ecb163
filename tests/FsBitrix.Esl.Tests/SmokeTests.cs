namespace FsBitrix.Esl.Tests;
public class SmokeTests { [Test] public void Builds() => Assert.That(typeof(SmokeTests).Assembly.GetName().Name, Is.EqualTo("FsBitrix.Esl.Tests")); }
