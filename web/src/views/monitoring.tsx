export default function View() {
  return <p>monitoring</p>;
}
