package nn_test

import (
	"fmt"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// The course's example, summarised as Keras's model.summary() prints it.
func ExampleParseArch() {
	a, err := nn.ParseArch("32×32×3 → Conv 32 (3×3) → MaxPool → Conv 64 → MaxPool → Conv 64 → Flatten → Dense 64 → Dense 10", nn.Valid)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range a.Layers {
		fmt.Printf("%-16s %-13s %6d  %s\n", l.Name, fmt.Sprint(l.Output), l.Params, l.ShapeFormula)
	}
	fmt.Println("total", a.TotalParams)
	// Output:
	// conv2d           [30 30 32]       896  (32 − 3 + 2·0)/1 + 1 = 30
	// max_pooling2d    [15 15 32]         0  (30 − 2 + 2·0)/2 + 1 = 15
	// conv2d_1         [13 13 64]     18496  (15 − 3 + 2·0)/1 + 1 = 13
	// max_pooling2d_1  [6 6 64]           0  ⌊(13 − 2 + 2·0)/2⌋ + 1 = 6 (1 left over)
	// conv2d_2         [4 4 64]       36928  (6 − 3 + 2·0)/1 + 1 = 4
	// flatten          [1024]             0  4·4·64 = 1024
	// dense            [64]           65600  64
	// dense_1          [10]             650  10
	// total 122570
}
