namespace FsBitrix.Esl;
internal static class Placeholder { }
